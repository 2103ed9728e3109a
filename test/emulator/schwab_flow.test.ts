// Schwab flows: over HTTP for the happy path and client auth, in-process with a manual clock for lifetimes.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SCHWAB_APP, startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/mod.ts";
import {
  authorizeCode,
  bearer,
  form,
  inProcess,
  manualClock,
  overHTTP,
  SCHWAB_REDIRECT,
  schwabAuthorizePath,
  schwabExchange,
  schwabLogin,
  schwabRefresh,
} from "./_flow.ts";
import type { Call } from "./_flow.ts";

const DAY_MS = 86_400_000;

async function sha256Hex(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("Schwab code flow over HTTP", () => {
  let running: RunningEmulator;
  let call: Call;
  beforeAll(async () => {
    running = await startEmulator({ autoApprove: true });
    call = overHTTP(running.url);
  });
  afterAll(async () => {
    await running.close();
  });
  beforeEach(async () => {
    await call("/__emulator/reset", { method: "POST" });
  });

  it("redirects with a C0...@ code shown as %40, then session, then state", async () => {
    const res = await call(schwabAuthorizePath({ response_type: "code", state: "abc" }), { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(
      /^https:\/\/127\.0\.0\.1:8182\?code=C0\.b2F1dGgyLmJkYy5zY2h3YWIuY29t\.[A-Za-z0-9_-]+%40&session=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}&state=abc$/,
    );
  });

  it("exchanges the code with HTTP Basic and calls quotes and accounts", async () => {
    const code = await authorizeCode(call, schwabAuthorizePath());
    expect(code.endsWith("@")).toBe(true);
    const res = await schwabExchange(call, code);
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(tokens)).toEqual(["expires_in", "token_type", "scope", "refresh_token", "access_token", "id_token"]);
    expect(tokens).toMatchObject({ expires_in: 1800, token_type: "Bearer", scope: "api" });
    expect(tokens.access_token).toMatch(/^I0\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+@$/);
    expect(tokens.id_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const auth = bearer(tokens.access_token as string);
    const quotes = (await (await call("/marketdata/v1/quotes?symbols=AAPL,MSFT&fields=quote", auth)).json()) as Record<
      string,
      { quote: object }
    >;
    expect(quotes.AAPL).toMatchObject({ assetMainType: "EQUITY", symbol: "AAPL", realtime: true });
    expect(Object.keys(quotes.AAPL.quote)).toEqual(expect.arrayContaining(["bidPrice", "askPrice", "lastPrice", "totalVolume"]));
    const single = (await (await call("/marketdata/v1/%2FES/quotes", auth)).json()) as Record<string, unknown>;
    expect(Object.keys(single)).toEqual(["/ES"]);

    const numbers = (await (await call("/trader/v1/accounts/accountNumbers", auth)).json()) as Array<
      { accountNumber: string; hashValue: string }
    >;
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers[0]!.hashValue).toMatch(/^[0-9A-F]{64}$/);
    const one = (await (await call(`/trader/v1/accounts/${numbers[0]!.hashValue}?fields=positions`, auth)).json()) as {
      securitiesAccount: { accountNumber: string; positions: unknown[] };
    };
    expect(one.securitiesAccount.accountNumber).toBe(numbers[0]!.accountNumber);
    expect(one.securitiesAccount.positions.length).toBeGreaterThan(0);
    const all = (await (await call("/trader/v1/accounts", auth)).json()) as Array<{ securitiesAccount: object }>;
    expect(all[0].securitiesAccount).not.toHaveProperty("positions");

    const missing = await call("/trader/v1/accounts/DEADBEEF", auth);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errors: [{ id: expect.any(String), status: "404", title: "Not Found" }] });
    const unauthorized = await call("/marketdata/v1/quotes?symbols=AAPL");
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.text()).toMatch(
      /^\{"errors":\[\{"id":"[0-9a-f-]{36}","status":401,"title":"Unauthorized","detail":"Client not authorized"\}\]\}$/,
    );
  });

  it("requires HTTP Basic client authentication on the token endpoint", async () => {
    const code = await authorizeCode(call, schwabAuthorizePath());
    for (const auth of ["", `Basic ${btoa(`${DEFAULT_SCHWAB_APP.clientId}:wrong-secret0000`)}`, "Basic !!!", `Basic ${btoa("nobody:x")}`]) {
      const res = await schwabExchange(call, code, {}, auth);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Basic/);
      expect(await res.json()).toEqual({ error: "invalid_client", error_description: expect.any(String) });
    }
    // The failed attempts never reached the code, so it still works with the right credentials.
    expect((await schwabExchange(call, code)).status).toBe(200);
  });

  it("answers a bad refresh token with the field body naming only its digest", async () => {
    const res = await schwabRefresh(call, "I0.bogus@");
    expect(res.status).toBe(400);
    const digest = await sha256Hex("I0.bogus@");
    expect(await res.text()).toBe(
      `{"error":"unsupported_token_type","error_description":"400 Bad Request: \\"{\\"error_description\\":\\"Exception while authenticating refresh token [tokenDigest=${digest}, Exception=Failed refresh token authentication [tokenDigest=${digest}]]\\",\\"error\\":\\"refresh_token_authentication_error\\"}\\""}`,
    );
  });

  it("answers a bad code with a generic invalid_grant", async () => {
    const res = await schwabExchange(call, "C0.nope@");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "invalid_grant", error_description: expect.any(String) });
  });
});

describe("default Schwab app", () => {
  it("has a 32-character key and a 16-character secret, as Schwab issues them", () => {
    expect(DEFAULT_SCHWAB_APP.clientId).toHaveLength(32);
    expect(DEFAULT_SCHWAB_APP.clientSecret).toHaveLength(16);
    expect(DEFAULT_SCHWAB_APP.redirectURIs).toEqual([
      "https://127.0.0.1:8182",
      "https://127.0.0.1:8182/callback",
      "http://127.0.0.1:8182/callback",
    ]);
  });
});

describe("Schwab lifetimes on an injected clock", () => {
  it("expires codes after 30 seconds", async () => {
    const clock = manualClock();
    const { call } = inProcess({ autoApprove: true, now: clock.now });
    const early = await authorizeCode(call, schwabAuthorizePath());
    clock.advance(29_000);
    expect((await schwabExchange(call, early)).status).toBe(200);
    const late = await authorizeCode(call, schwabAuthorizePath());
    clock.advance(30_000);
    const res = await schwabExchange(call, late);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("keeps the same refresh token on refresh and kills it 7 days after login, however often it was used", async () => {
    const clock = manualClock();
    const { call, emulator } = inProcess({ autoApprove: true, now: clock.now });
    const tokens = await schwabLogin(call);
    let access = tokens.access_token;
    for (let day = 1; day <= 6; day++) {
      clock.advance(DAY_MS);
      const res = await schwabRefresh(call, tokens.refresh_token as string);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, string>;
      expect(body.refresh_token).toBe(tokens.refresh_token);
      expect(body.access_token).not.toBe(access);
      access = body.access_token;
    }
    clock.advance(DAY_MS - 1);
    expect((await schwabRefresh(call, tokens.refresh_token as string)).status).toBe(200);
    clock.advance(1);
    const dead = await schwabRefresh(call, tokens.refresh_token as string);
    expect(dead.status).toBe(400);
    expect(((await dead.json()) as { error: string }).error).toBe("unsupported_token_type");
    expect(emulator.stats()).toMatchObject({ refreshGrants: 7, refreshTokensIssued: 1, rejected: { unsupported_token_type: 1 } });
    // A new interactive login starts a new 7-day window.
    expect((await schwabRefresh(call, (await schwabLogin(call)).refresh_token as string)).status).toBe(200);
  });

  it("expires access tokens after accessTokenLifetimeS", async () => {
    const clock = manualClock();
    const { call } = inProcess({ autoApprove: true, now: clock.now, accessTokenLifetimeS: 60 });
    const { access_token } = await schwabLogin(call);
    clock.advance(59_999);
    expect((await call("/trader/v1/accounts", bearer(access_token))).status).toBe(200);
    clock.advance(1);
    expect((await call("/trader/v1/accounts", bearer(access_token))).status).toBe(401);
  });

  it("refuses a refresh token presented by another Schwab client", async () => {
    const { call, emulator } = inProcess({ autoApprove: true });
    emulator.registerApp({
      flavour: "schwab",
      clientId: "OtherAppKey0000000000000000000000",
      clientSecret: "OtherSecret00000",
      redirectURIs: [SCHWAB_REDIRECT],
    });
    const { refresh_token } = await schwabLogin(call);
    const other = `Basic ${btoa("OtherAppKey0000000000000000000000:OtherSecret00000")}`;
    const res = await call(
      "/v1/oauth/token",
      form({ grant_type: "refresh_token", refresh_token: String(refresh_token) }, { authorization: other }),
    );
    expect(res.status).toBe(400);
  });
});

// TD Ameritrade flows over real HTTP on 127.0.0.1: authorize, consent page, exchange, refresh, API calls.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/mod.ts";
import {
  authorizeCode,
  bearer,
  codeFrom,
  form,
  overHTTP,
  TD_CLIENT,
  TD_INVALID_GRANT,
  TD_REDIRECT,
  TD_UNAUTHORIZED,
  tdAuthorizePath,
  tdExchange,
  tdLogin,
  tdRefresh,
} from "./_flow.ts";
import type { Call } from "./_flow.ts";

let running: RunningEmulator;
let call: Call;

beforeAll(async () => {
  running = await startEmulator({ port: 0, autoApprove: true });
  call = overHTTP(running.url);
});
afterAll(async () => {
  await running.close();
});
beforeEach(async () => {
  await call("/__emulator/reset", { method: "POST" });
  await call("/__emulator/config", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ autoApprove: true }),
  });
});

describe("startEmulator", () => {
  it("refuses to bind anything but 127.0.0.1", async () => {
    await expect(startEmulator({ hostname: "0.0.0.0" as never })).rejects.toThrow(TypeError);
  });
});

describe("TD code flow by hand", () => {
  it("binds 127.0.0.1 and redirects with a percent-encoded code and the state", async () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await call(tdAuthorizePath({ state: "s t&ate" }), { redirect: "manual" });
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(location.startsWith(`${TD_REDIRECT}?code=`)).toBe(true);
    // The raw Location shows the code's + / = @ percent-encoded, so a client must decode it exactly once.
    const raw = /code=([^&]+)/.exec(location)![1]!;
    for (const escape of ["%2B", "%2F", "%3D", "%40"]) expect(raw).toContain(escape);
    expect(raw).not.toMatch(/[+/=@]/);
    expect(new URL(location).searchParams.get("state")).toBe("s t&ate");
  });

  it("exchanges the code with access_type=offline and calls the API with the bearer token", async () => {
    const code = await authorizeCode(call, tdAuthorizePath());
    const res = await tdExchange(call, code);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const tokens = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(tokens)).toEqual(["access_token", "refresh_token", "token_type", "expires_in", "scope", "refresh_token_expires_in"]);
    expect(tokens).toMatchObject({
      token_type: "Bearer",
      expires_in: 1800,
      scope: "PlaceTrades AccountAccess MoveMoney",
      refresh_token_expires_in: 7_776_000,
    });
    expect(String(tokens.access_token)).toMatch(/^[A-Za-z0-9+/]+=+$/);
    expect(String(tokens.access_token)).toMatch(/[+/]/);

    const quotes = await call("/v1/marketdata/quotes?symbol=AAPL,MSFT", bearer(tokens.access_token as string));
    expect(quotes.status).toBe(200);
    const body = (await quotes.json()) as Record<string, Record<string, unknown>>;
    expect(Object.keys(body)).toEqual(["AAPL", "MSFT"]);
    expect(body.AAPL).toMatchObject({ symbol: "AAPL", delayed: false });
    for (const field of ["description", "bidPrice", "askPrice", "lastPrice", "totalVolume"]) expect(body.AAPL).toHaveProperty(field);
    expect(body.AAPL!.bidPrice as number).toBeLessThan(body.AAPL!.askPrice as number);
  });

  it("accepts the client id without @AMER.OAUTHAP on the token endpoint, and omits the refresh token without offline", async () => {
    const code = await authorizeCode(call, tdAuthorizePath());
    const res = await call(
      "/v1/oauth2/token",
      form({ grant_type: "authorization_code", code, client_id: TD_CLIENT, redirect_uri: TD_REDIRECT }),
    );
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as Record<string, unknown>;
    expect(tokens).not.toHaveProperty("refresh_token");
    expect(tokens).not.toHaveProperty("refresh_token_expires_in");
  });

  it("answers a bad code with the exact pretty TD body", async () => {
    const res = await tdExchange(call, "not-a-code");
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(TD_INVALID_GRANT);
  });

  it("refreshes without a new refresh token, and renews it with access_type=offline", async () => {
    const tokens = await tdLogin(call);
    const plain = await tdRefresh(call, tokens.refresh_token as string);
    expect(plain.status).toBe(200);
    const plainBody = (await plain.json()) as Record<string, unknown>;
    expect(plainBody).not.toHaveProperty("refresh_token");
    expect(plainBody.access_token).not.toBe(tokens.access_token);

    const renewal = await tdRefresh(call, tokens.refresh_token as string, { access_type: "offline" });
    const renewed = (await renewal.json()) as Record<string, unknown>;
    expect(renewed.refresh_token).toEqual(expect.any(String));
    expect(renewed.refresh_token).not.toBe(tokens.refresh_token);
    expect(renewed.refresh_token_expires_in).toBe(7_776_000);
    // Without rotation the old refresh token keeps working until its own expiry.
    expect((await tdRefresh(call, tokens.refresh_token as string)).status).toBe(200);
    expect((await tdRefresh(call, renewed.refresh_token as string)).status).toBe(200);
  });

  it("invalidates the previous access token of a grant when a new one is issued", async () => {
    const tokens = await tdLogin(call);
    const refreshed = (await (await tdRefresh(call, tokens.refresh_token as string)).json()) as Record<string, string>;
    const old = await call("/v1/accounts", bearer(tokens.access_token));
    expect(old.status).toBe(401);
    expect(await old.text()).toBe(TD_UNAUTHORIZED);
    expect((await call("/v1/accounts", bearer(refreshed.access_token))).status).toBe(200);
  });

  it("serves accounts, with positions and orders only when fields asks", async () => {
    const { access_token } = await tdLogin(call);
    const plain = (await (await call("/v1/accounts", bearer(access_token))).json()) as Array<
      { securitiesAccount: Record<string, unknown> }
    >;
    expect(plain.length).toBeGreaterThan(0);
    expect(plain[0]!.securitiesAccount).toHaveProperty("accountId");
    expect(plain[0]!.securitiesAccount).not.toHaveProperty("positions");
    const id = plain[0]!.securitiesAccount.accountId as string;
    const full = (await (await call(`/v1/accounts/${id}?fields=positions,orders`, bearer(access_token))).json()) as {
      securitiesAccount: Record<string, unknown>;
    };
    expect(full.securitiesAccount.accountId).toBe(id);
    expect(full.securitiesAccount.positions).toEqual(expect.any(Array));
    expect(full.securitiesAccount.orderStrategies).toEqual([]);
    expect((await call("/v1/accounts/000", bearer(access_token))).status).toBe(404);
    expect((await call("/v1/accounts?fields=secrets", bearer(access_token))).status).toBe(400);
    const none = await call("/v1/accounts");
    expect(none.status).toBe(401);
    expect(await none.text()).toBe(TD_UNAUTHORIZED);
  });

  it("gives delayed quotes for an apikey without bearer, and decodes an encoded symbol in the path", async () => {
    const delayed = await call(`/v1/marketdata/quotes?apikey=${TD_CLIENT}&symbol=SQ`);
    expect(delayed.status).toBe(200);
    expect(((await delayed.json()) as Record<string, { delayed: boolean }>).SQ!.delayed).toBe(true);
    const single = await call(`/v1/marketdata/${encodeURIComponent("AUD/USD")}/quotes?apikey=${TD_CLIENT}`);
    expect(Object.keys((await single.json()) as object)).toEqual(["AUD/USD"]);
    expect((await call("/v1/marketdata/quotes?apikey=NOBODY&symbol=SQ")).status).toBe(401);
    // Same symbol, same numbers, every time.
    const again = (await (await call(`/v1/marketdata/quotes?apikey=${TD_CLIENT}&symbol=SQ`)).json()) as Record<
      string,
      { lastPrice: number }
    >;
    const first = (await (await call(`/v1/marketdata/SQ/quotes?apikey=${TD_CLIENT}`)).json()) as Record<string, { lastPrice: number }>;
    expect(again.SQ!.lastPrice).toBe(first.SQ!.lastPrice);
  });
});

describe("TD authorize page", () => {
  beforeEach(async () => {
    await call("/__emulator/config", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ autoApprove: false }),
    });
  });

  async function page(state?: string): Promise<{ html: string; nonce: string }> {
    const res = await call(tdAuthorizePath(state ? { state } : {}));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    return { html, nonce: /name="nonce" value="([^"]+)"/.exec(html)![1]! };
  }

  it("shows the app name, the scopes and a POST form with labelled Allow and Deny buttons", async () => {
    const { html } = await page();
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toMatch(/<h1>tdauth emulator \(TD Ameritrade\)<\/h1>/);
    expect(html).toContain("PlaceTrades");
    expect(html).toMatch(/<form method="post" action="\/auth"/);
    expect(html).toMatch(/<button type="submit" name="decision" value="allow" aria-label="[^"]+">Allow<\/button>/);
    expect(html).toMatch(/<button type="submit" name="decision" value="deny" aria-label="[^"]+">Deny<\/button>/);
    expect(html).not.toContain("<script");
  });

  it("Allow redirects with a working code; the nonce works once", async () => {
    const { nonce } = await page("st1");
    const res = await call("/auth", form({ nonce, decision: "allow" }));
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(new URL(location).searchParams.get("state")).toBe("st1");
    expect((await tdExchange(call, codeFrom(location))).status).toBe(200);
    const replay = await call("/auth", form({ nonce, decision: "allow" }));
    expect(replay.status).toBe(400);
    expect(replay.headers.get("location")).toBeNull();
  });

  it("Deny redirects with error=access_denied and the state", async () => {
    const { nonce } = await page("st2");
    const res = await call("/auth", form({ nonce, decision: "deny" }));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${TD_REDIRECT}?error=access_denied&state=st2`);
  });

  it("cannot be approved by a GET or a forged nonce", async () => {
    const { nonce } = await page();
    const byGet = await call(`${tdAuthorizePath()}&nonce=${nonce}&decision=allow`);
    expect(byGet.status).toBe(400);
    expect(byGet.headers.get("location")).toBeNull();
    const forged = await call("/auth", form({ nonce: "forged", decision: "allow" }));
    expect(forged.status).toBe(400);
    expect(forged.headers.get("location")).toBeNull();
  });
});

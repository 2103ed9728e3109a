// Authorization code rules: single use with revocation on replay, exact redirect URIs, client binding, PKCE, strict parameters.

import { describe, expect, it } from "vitest";
import {
  authorizeCode,
  bearer,
  form,
  inProcess,
  manualClock,
  SCHWAB_REDIRECT,
  schwabAuthorizePath,
  schwabExchange,
  TD_CLIENT,
  TD_INVALID_GRANT,
  TD_REDIRECT,
  TD_UNAUTHORIZED,
  tdAuthorizePath,
  tdExchange,
  tdRefresh,
} from "./_flow.ts";

const TD_WARNING = "A third-party application may be attempting to make unauthorized access to your account";

async function challengeOf(verifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  return btoa(String.fromCharCode(...digest)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

describe("codes are single-use", () => {
  it("refuses a replayed TD code and revokes every token issued from it (RFC 6749 §4.1.2)", async () => {
    const { call, emulator } = inProcess({ autoApprove: true });
    const code = await authorizeCode(call, tdAuthorizePath());
    const tokens = (await (await tdExchange(call, code)).json()) as Record<string, string>;
    expect((await call("/v1/accounts", bearer(tokens.access_token))).status).toBe(200);

    const replay = await tdExchange(call, code);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toBe(TD_INVALID_GRANT);
    const api = await call("/v1/accounts", bearer(tokens.access_token));
    expect(api.status).toBe(401);
    expect(await api.text()).toBe(TD_UNAUTHORIZED);
    expect(await (await tdRefresh(call, tokens.refresh_token!)).text()).toBe(TD_INVALID_GRANT);
    expect(emulator.stats()).toMatchObject({ authorizationCodeGrants: 1, revokedGrants: 1, rejected: { invalid_grant: 2 } });
  });

  it("refuses a replayed Schwab code and revokes its grant", async () => {
    const { call, emulator } = inProcess({ autoApprove: true });
    const code = await authorizeCode(call, schwabAuthorizePath());
    const tokens = (await (await schwabExchange(call, code)).json()) as Record<string, string>;
    expect((await schwabExchange(call, code)).status).toBe(400);
    expect((await call("/trader/v1/accounts", bearer(tokens.access_token))).status).toBe(401);
    expect(emulator.stats().revokedGrants).toBe(1);
  });

  it("expires TD codes after 300 seconds by default", async () => {
    const clock = manualClock();
    const { call } = inProcess({ autoApprove: true, now: clock.now });
    const code = await authorizeCode(call, tdAuthorizePath());
    clock.advance(300_000);
    expect(await (await tdExchange(call, code)).text()).toBe(TD_INVALID_GRANT);
  });

  it("refuses a code decoded twice or not decoded at all", async () => {
    const { call } = inProcess({ autoApprove: true });
    const res = await call(tdAuthorizePath(), { redirect: "manual" });
    const raw = /code=([^&]+)/.exec(res.headers.get("location")!)![1]!;
    expect((await tdExchange(call, raw)).status).toBe(400); // still percent-encoded
    expect((await tdExchange(call, decodeURIComponent(raw).replaceAll("+", " "))).status).toBe(400); // '+' read as space
    expect((await tdExchange(call, decodeURIComponent(raw))).status).toBe(200);
  });
});

describe("redirect URIs match exactly", () => {
  const variants = [
    ["a trailing slash", "https://127.0.0.1/"],
    ["another port", "https://127.0.0.1:8443"],
    ["another scheme", "http://127.0.0.1"],
    ["another host", "https://localhost"],
  ];
  for (const [what, uri] of variants) {
    it(`shows TD's warning page and never redirects for ${what}`, async () => {
      const { call } = inProcess({ autoApprove: true });
      const res = await call(tdAuthorizePath({}, uri), { redirect: "manual" });
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(await res.text()).toContain(TD_WARNING);
    });
  }

  it("refuses a Schwab redirect with a stray trailing slash", async () => {
    const { call } = inProcess({ autoApprove: true });
    const res = await call(schwabAuthorizePath({}, `${SCHWAB_REDIRECT}/`), { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
  });

  it("binds the code to the authorize request's redirect_uri at the token endpoint", async () => {
    const { call } = inProcess({ autoApprove: true });
    const code = await authorizeCode(call, tdAuthorizePath({}, "https://127.0.0.1:8080/callback"));
    // Registered too, but not the one this code was issued for.
    expect(await (await tdExchange(call, code, { redirect_uri: TD_REDIRECT })).text()).toBe(TD_INVALID_GRANT);
  });
});

describe("clients", () => {
  it("shows the warning page for an unknown client, a Schwab key on the TD page, or a TD key without @AMER.OAUTHAP", async () => {
    const { call } = inProcess({ autoApprove: true });
    const paths = [
      tdAuthorizePath({ client_id: "NOBODY@AMER.OAUTHAP" }),
      tdAuthorizePath({ client_id: `${TD_CLIENT}` }),
      schwabAuthorizePath({ client_id: TD_CLIENT }),
    ];
    for (const path of paths) {
      const res = await call(path, { redirect: "manual" });
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
    }
  });

  it("refuses a TD code presented by another client", async () => {
    const { call, emulator } = inProcess({ autoApprove: true });
    emulator.registerApp({ flavour: "td", clientId: "OTHERKEY", redirectURIs: [TD_REDIRECT] });
    const code = await authorizeCode(call, tdAuthorizePath());
    expect(await (await tdExchange(call, code, { client_id: "OTHERKEY@AMER.OAUTHAP" })).text()).toBe(TD_INVALID_GRANT);
    const unknown = await tdExchange(call, code, { client_id: "NOBODY" });
    expect(unknown.status).toBe(401);
    expect(await unknown.text()).toBe('{\n  "error" : "invalid_client"\n}');
    expect((await tdExchange(call, code)).status).toBe(200);
  });
});

describe("PKCE", () => {
  const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

  it("checks the verifier when a challenge was sent (TD)", async () => {
    const { call } = inProcess({ autoApprove: true });
    const pkce = { code_challenge: await challengeOf(verifier), code_challenge_method: "S256" };
    const wrong = await authorizeCode(call, tdAuthorizePath(pkce));
    expect(await (await tdExchange(call, wrong, { code_verifier: `${verifier}x` })).text()).toBe(TD_INVALID_GRANT);
    const missing = await authorizeCode(call, tdAuthorizePath(pkce));
    expect(await (await tdExchange(call, missing)).text()).toBe(TD_INVALID_GRANT);
    const right = await authorizeCode(call, tdAuthorizePath(pkce));
    expect((await tdExchange(call, right, { code_verifier: verifier })).status).toBe(200);
  });

  it("checks the verifier when a challenge was sent (Schwab)", async () => {
    const { call } = inProcess({ autoApprove: true });
    const pkce = { code_challenge: await challengeOf(verifier), code_challenge_method: "S256" };
    const wrong = await schwabExchange(call, await authorizeCode(call, schwabAuthorizePath(pkce)), { code_verifier: "nope" });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe("invalid_grant");
    const right = await schwabExchange(call, await authorizeCode(call, schwabAuthorizePath(pkce)), { code_verifier: verifier });
    expect(right.status).toBe(200);
  });

  it("refuses plain or malformed challenges at authorize time", async () => {
    const { call } = inProcess({ autoApprove: true });
    const extras: Array<Record<string, string>> = [{ code_challenge: verifier, code_challenge_method: "plain" }, {
      code_challenge: "short",
      code_challenge_method: "S256",
    }, { code_challenge_method: "S256" }];
    for (const extra of extras) {
      expect((await call(tdAuthorizePath(extra), { redirect: "manual" })).status).toBe(400);
    }
  });
});

describe("strict parameters", () => {
  it("refuses unknown, repeated or wrong authorize parameters with a 400 page", async () => {
    const { call } = inProcess({ autoApprove: true });
    const bad = [
      tdAuthorizePath({ prompt: "none" }),
      `${tdAuthorizePath()}&state=a&state=b`,
      tdAuthorizePath({ response_type: "token" }),
      `/auth?redirect_uri=${encodeURIComponent(TD_REDIRECT)}&client_id=${TD_CLIENT}%40AMER.OAUTHAP`,
    ];
    for (const path of bad) {
      const res = await call(path, { redirect: "manual" });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("text/html");
    }
    // Schwab does not require response_type.
    expect((await call(schwabAuthorizePath(), { redirect: "manual" })).status).toBe(302);
  });

  it("refuses token requests that are not forms, repeat parameters or name unknown grants", async () => {
    const { call, emulator } = inProcess({ autoApprove: true });
    const json = await call("/v1/oauth2/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token" }),
    });
    expect(await json.text()).toBe('{\n  "error" : "invalid_request"\n}');
    const repeated = await call("/v1/oauth2/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=refresh_token&refresh_token=a&refresh_token=b&client_id=${TD_CLIENT}`,
    });
    expect(repeated.status).toBe(400);
    const grant = await call("/v1/oauth2/token", form({ grant_type: "password", client_id: TD_CLIENT }));
    expect(await grant.text()).toBe('{\n  "error" : "unsupported_grant_type"\n}');
    expect(emulator.stats().rejected).toEqual({ invalid_request: 2, unsupported_grant_type: 1 });
  });
});

// What each kind of token-endpoint reply means.
import { describe, expect, it } from "vitest";
import { classifyTokenReply, tokensFromResponse } from "../../core/token_response.ts";
import { schwab } from "../../core/providers/schwab.ts";
import type { StoredTokens } from "../../core/types.ts";
import { MemoryStore } from "../../core/memory_store.ts";
import { AuthSession } from "../../core/session.ts";

const SCHWAB_DEAD =
  '{"error":"unsupported_token_type","error_description":"400 Bad Request: \\"{\\"error_description\\":\\"Exception while authenticating refresh token [tokenDigest=abc]\\",\\"error\\":\\"refresh_token_authentication_error\\"}\\""}';

describe("classifyTokenReply", () => {
  it("accepts a token response, numeric strings included", () => {
    const o = classifyTokenReply(200, null, '{"access_token":"a","expires_in":"1800","token_type":"Bearer","refresh_token":"r"}', 0);
    expect(o).toEqual({ kind: "ok", response: { access_token: "a", expires_in: 1800, token_type: "Bearer", refresh_token: "r" } });
  });
  it("treats 5xx and 429 as transient and reads Retry-After", () => {
    expect(classifyTokenReply(503, null, "", 0).kind).toBe("transient");
    expect(classifyTokenReply(429, "2", "", 0)).toMatchObject({ kind: "transient", retryAfterMs: 2000 });
  });
  it("TD's invalid_grant kills the grant", () => {
    expect(classifyTokenReply(400, null, '{\n  "error" : "invalid_grant"\n}', 0)).toMatchObject({
      kind: "rejected",
      error: "invalid_grant",
      grantDead: true,
    });
  });
  it("Schwab's refresh_token_authentication_error kills the grant", () => {
    expect(classifyTokenReply(400, null, SCHWAB_DEAD, 0)).toMatchObject({ kind: "rejected", grantDead: true });
  });
  it("invalid_request does not kill the grant", () => {
    expect(classifyTokenReply(400, null, '{"error":"invalid_request"}', 0)).toMatchObject({ kind: "rejected", grantDead: false });
  });
  it.each([
    [403, "<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD></HTML>", /Access Denied/],
    [200, "", /empty body/],
    [200, "[1]", /not an object/],
    [200, '{"token_type":"Bearer","expires_in":1800}', /without access_token/],
    [200, '{"access_token":"a","expires_in":"soon"}', /expires_in/],
    [200, '{"access_token":"a","expires_in":-5}', /expires_in/],
    [200, '{"access_token":"a","expires_in":60,"token_type":"mac"}', /token_type "mac"/],
  ])("rejects HTTP %i %j as not a token response", (status, body, detail) => {
    const o = classifyTokenReply(status, null, body, 0);
    expect(o.kind).toBe("invalid");
    expect(o.kind === "invalid" && o.detail).toMatch(detail);
  });
});

describe("tokensFromResponse after a refresh", () => {
  const provider = schwab({ clientId: "A".repeat(32), clientSecret: "S".repeat(16), redirectURI: "https://127.0.0.1:8182" });
  const previous: StoredTokens = {
    accessToken: "OLD-ACCESS",
    refreshToken: "OLD-REFRESH",
    tokenType: "Bearer",
    accessExpiresAt: 1_000,
    accessIssuedAt: 0,
    refreshExpiresAt: 7 * 86_400_000,
    authorizedAt: 0,
    provider: "schwab",
    clientId: "A".repeat(32),
    baseURL: "http://127.0.0.1:8777",
    loginHost: "desk",
    loginTool: "tdauth 0.2.0",
    expired: { at: 500, reason: "a refused refresh seen by another process" },
  };

  it("keeps what the record says about the session (baseURL, where the login was made), and drops an expiry mark", () => {
    const next = tokensFromResponse({ access_token: "NEW-ACCESS", expires_in: 1800 }, { now: 60_000, provider, previous });
    expect(next).toEqual({
      accessToken: "NEW-ACCESS",
      refreshToken: "OLD-REFRESH",
      tokenType: "Bearer",
      accessExpiresAt: 60_000 + 1_800_000,
      accessIssuedAt: 60_000,
      refreshExpiresAt: 7 * 86_400_000,
      authorizedAt: 0,
      provider: "schwab",
      clientId: "A".repeat(32),
      baseURL: "http://127.0.0.1:8777",
      loginHost: "desk",
      loginTool: "tdauth 0.2.0",
    });
  });

  it("records where a login was made, never where a refresh was", () => {
    const origin = { loginHost: "here", loginTool: "bot" };
    expect(tokensFromResponse({ access_token: "A", expires_in: 1800 }, { now: 0, provider, origin })).toMatchObject(origin);
    const { loginHost: _, loginTool: __, ...elsewhere } = previous;
    const next = tokensFromResponse({ access_token: "NEW-ACCESS", expires_in: 1800 }, {
      now: 60_000,
      provider,
      previous: elsewhere,
      origin,
    });
    expect(next.loginHost).toBeUndefined();
    expect(next.loginTool).toBeUndefined();
  });

  it("keeps a field it does not know, which a store may carry for its own format", () => {
    const next = tokensFromResponse({ access_token: "NEW-ACCESS", expires_in: 1800 }, {
      now: 60_000,
      provider,
      previous: { ...previous, creationTimestamp: 12 } as StoredTokens,
    });
    expect((next as unknown as Record<string, unknown>).creationTimestamp).toBe(12);
  });
});

describe("a refresh through AuthSession", () => {
  it("keeps the record's baseURL and login place in the store", async () => {
    const store = new MemoryStore();
    const now = Date.now();
    let requests = 0;
    const fetch = (): Promise<Response> =>
      Promise.resolve((requests++, Response.json({ access_token: "NEW", expires_in: 1800, token_type: "Bearer" })));
    await store.save({
      accessToken: "OLD",
      refreshToken: "RT",
      tokenType: "Bearer",
      accessExpiresAt: now - 1,
      refreshExpiresAt: now + 86_400_000,
      authorizedAt: now - 86_400_000,
      baseURL: "http://127.0.0.1:8777",
      loginHost: "desk",
    });
    const provider = schwab({ clientId: "A".repeat(32), clientSecret: "S".repeat(16), redirectURI: "https://127.0.0.1:8182" });
    await new AuthSession({ provider, store, fetch }).refresh();
    expect(requests).toBe(1);
    expect(await store.load()).toMatchObject({ accessToken: "NEW", baseURL: "http://127.0.0.1:8777", loginHost: "desk" });
  });
});

// The exact requests each profile makes (TD Ameritrade's and Schwab's documented OAuth), and argument checks.
import { describe, expect, it } from "vitest";
import { oauth2 } from "../../core/providers/oauth2.ts";
import { schwab } from "../../core/providers/schwab.ts";
import { tdAmeritrade } from "../../core/providers/td_ameritrade.ts";
import { tokensFromResponse } from "../../core/token_response.ts";

async function form(request: Request): Promise<Record<string, string>> {
  return Object.fromEntries(new URLSearchParams(await request.text()));
}

describe("tdAmeritrade()", () => {
  const td = tdAmeritrade({ clientId: "ABC", redirectURI: "https://127.0.0.1" });

  it("authorizes at auth.tdameritrade.com with the @AMER.OAUTHAP client id", () => {
    const url = td.authorizationURL({ state: "st" });
    expect(url.origin + url.pathname).toBe("https://auth.tdameritrade.com/auth");
    expect(url.searchParams.get("client_id")).toBe("ABC@AMER.OAUTHAP");
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("redirect_uri")).toBe("https://127.0.0.1");
    expect(url.searchParams.get("state")).toBe("st");
    expect(url.href).toContain("client_id=ABC%40AMER.OAUTHAP");
  });

  it("does not double the suffix", () => {
    expect(tdAmeritrade({ clientId: "ABC@AMER.OAUTHAP", redirectURI: "https://127.0.0.1" }).clientId).toBe("ABC");
  });

  it("exchanges a code as a public client with access_type=offline", async () => {
    const request = td.tokenRequest({ grantType: "authorization_code", code: "AB+CD/ef==@" });
    expect(request.url).toBe("https://api.tdameritrade.com/v1/oauth2/token");
    expect(request.method).toBe("POST");
    expect(request.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(request.headers.get("authorization")).toBeNull();
    expect(await form(request)).toEqual({
      grant_type: "authorization_code",
      code: "AB+CD/ef==@",
      client_id: "ABC@AMER.OAUTHAP",
      redirect_uri: "https://127.0.0.1",
      access_type: "offline",
    });
  });

  it("refreshes without access_type, and renews with it", async () => {
    expect(await form(td.tokenRequest({ grantType: "refresh_token", refreshToken: "r" }))).toEqual({
      grant_type: "refresh_token",
      refresh_token: "r",
      client_id: "ABC@AMER.OAUTHAP",
    });
    expect((await form(td.tokenRequest({ grantType: "refresh_token", refreshToken: "r", renewRefreshToken: true }))).access_type)
      .toBe("offline");
  });

  it("answers its API paths: quotes with the bare app key as apikey, accounts", () => {
    expect(td.apiPaths?.quotes).toBe("/marketdata/quotes?apikey=ABC&symbol=");
    expect(td.apiPaths?.accounts).toBe("/accounts");
    expect(td.apiPaths?.accountNumbers).toBeUndefined();
  });

  it("points every endpoint at baseURL", () => {
    const emu = tdAmeritrade({ clientId: "ABC", redirectURI: "http://127.0.0.1:8080/callback", baseURL: "http://127.0.0.1:9999" });
    expect(emu.authorizationURL({ state: "s" }).href).toMatch(/^http:\/\/127\.0\.0\.1:9999\/auth\?/);
    expect(emu.tokenRequest({ grantType: "refresh_token", refreshToken: "r" }).url).toBe("http://127.0.0.1:9999/v1/oauth2/token");
    expect(emu.apiBaseURL).toBe("http://127.0.0.1:9999/v1");
  });

  it("takes the refresh-token lifetime the server states (90 days)", () => {
    const t = tokensFromResponse(
      { access_token: "a", refresh_token: "r", expires_in: 1800, refresh_token_expires_in: 7_776_000 },
      { now: 0, provider: td },
    );
    expect(t.accessExpiresAt).toBe(1_800_000);
    expect(t.refreshExpiresAt).toBe(7_776_000_000);
  });
});

describe("schwab()", () => {
  const sw = schwab({ clientId: "K".repeat(32), clientSecret: "S".repeat(16), redirectURI: "https://127.0.0.1:8182" });

  it("authorizes at api.schwabapi.com", () => {
    const url = sw.authorizationURL({ state: "st" });
    expect(url.origin + url.pathname).toBe("https://api.schwabapi.com/v1/oauth/authorize");
    expect(url.searchParams.get("client_id")).toBe("K".repeat(32));
    expect(url.searchParams.get("redirect_uri")).toBe("https://127.0.0.1:8182");
    expect(url.searchParams.has("code_challenge")).toBe(false);
  });

  it("authenticates with HTTP Basic and sends no client_id in the body", async () => {
    const request = sw.tokenRequest({ grantType: "authorization_code", code: "C0.x.y@" });
    expect(request.url).toBe("https://api.schwabapi.com/v1/oauth/token");
    expect(request.headers.get("authorization")).toBe(`Basic ${btoa(`${"K".repeat(32)}:${"S".repeat(16)}`)}`);
    expect(await form(request)).toEqual({ grant_type: "authorization_code", code: "C0.x.y@", redirect_uri: "https://127.0.0.1:8182" });
    expect(await form(sw.tokenRequest({ grantType: "refresh_token", refreshToken: "r" }))).toEqual({
      grant_type: "refresh_token",
      refresh_token: "r",
    });
  });

  it("caps the refresh token at 7 days from the login, and refreshes do not extend it", () => {
    const login = tokensFromResponse({ access_token: "a", refresh_token: "r", expires_in: 1800 }, { now: 1000, provider: sw });
    expect(login.authorizedAt).toBe(1000);
    expect(login.refreshExpiresAt).toBe(1000 + 7 * 86_400_000);
    const later = tokensFromResponse({ access_token: "b", expires_in: 1800 }, { now: 5 * 86_400_000, provider: sw, previous: login });
    expect(later.refreshToken).toBe("r");
    expect(later.refreshExpiresAt).toBe(login.refreshExpiresAt);
    expect(later.authorizedAt).toBe(1000);
  });

  it("answers its API paths: quotes, accounts, and the account-number hashes", () => {
    const paths = schwab({ clientId: "k", clientSecret: "s", redirectURI: "https://127.0.0.1:8182" }).apiPaths;
    expect(paths?.quotes).toBe("/marketdata/v1/quotes?symbols=");
    expect(paths?.accounts).toBe("/trader/v1/accounts");
    expect(paths?.accountNumbers).toBe("/trader/v1/accounts/accountNumbers");
  });

  it("requires the app secret", () => {
    expect(() => schwab({ clientId: "k", clientSecret: "", redirectURI: "https://127.0.0.1:8182" })).toThrow(/clientSecret is required/);
    // A secret of white space alone (an unset variable padded by a shell) is as missing as an empty one.
    expect(() => schwab({ clientId: "k", clientSecret: "  ", redirectURI: "https://127.0.0.1:8182" })).toThrow(/clientSecret is required/);
  });
});

describe("oauth2()", () => {
  const base = {
    authorizationEndpoint: "https://auth.example.com/authorize",
    tokenEndpoint: "https://auth.example.com/token",
    clientId: "cli ent".replace(" ", ""),
    redirectURI: "http://127.0.0.1:8080/callback",
  };

  it("sends PKCE S256 and the scope", () => {
    const url = oauth2({ ...base, scope: "read write" }).authorizationURL({ state: "s", codeChallenge: "ch" });
    expect(url.searchParams.get("code_challenge")).toBe("ch");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("scope")).toBe("read write");
  });

  it("client_secret_basic form-encodes id and secret before base64 (RFC 6749 §2.3.1)", () => {
    const p = oauth2({ ...base, clientId: "a:b", clientSecret: "s p%" });
    const request = p.tokenRequest({ grantType: "refresh_token", refreshToken: "r" });
    expect(atob(request.headers.get("authorization")!.slice(6))).toBe("a%3Ab:s+p%25");
  });

  it("client_secret_post puts both in the body; none puts only client_id", async () => {
    const post = oauth2({ ...base, clientSecret: "sec", clientAuth: "client_secret_post" });
    expect(await form(post.tokenRequest({ grantType: "refresh_token", refreshToken: "r" }))).toMatchObject({
      client_id: "client",
      client_secret: "sec",
    });
    const none = oauth2(base);
    const body = await form(none.tokenRequest({ grantType: "authorization_code", code: "c", codeVerifier: "v" }));
    expect(body).toEqual({
      grant_type: "authorization_code",
      code: "c",
      redirect_uri: base.redirectURI,
      code_verifier: "v",
      client_id: "client",
    });
  });

  it("knows no API paths of an arbitrary server", () => {
    expect(oauth2(base).apiPaths).toBeUndefined();
  });

  it("refuses a plain-http token endpoint off the loopback", () => {
    expect(() => oauth2({ ...base, tokenEndpoint: "http://auth.example.com/token" })).toThrow(/must be https/);
  });
});

describe("argument checks happen when the provider is made", () => {
  it.each([
    ["http://example.com/callback", /must be https/],
    ["not a url", /not an absolute URL/],
    ["https://127.0.0.1/cb#x", /fragment/],
    ["", /redirectURI is required/],
  ])("redirectURI %j", (redirectURI, message) => {
    expect(() => tdAmeritrade({ clientId: "A", redirectURI })).toThrow(TypeError);
    expect(() => tdAmeritrade({ clientId: "A", redirectURI })).toThrow(message);
  });
  it.each(["http://127.0.0.1:1/cb", "http://[::1]:1/cb", "http://localhost/cb", "https://example.com/cb"])("accepts %s", (uri) => {
    expect(tdAmeritrade({ clientId: "A", redirectURI: uri }).redirectURI).toBe(uri);
  });
  it("names clientId when it is missing", () => {
    expect(() => tdAmeritrade({ clientId: "", redirectURI: "https://127.0.0.1" })).toThrow(/clientId is required/);
  });
});

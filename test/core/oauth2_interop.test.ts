// Interop with an authorization server nobody here wrote: panva's oidc-provider (certified
// OpenID/OAuth 2.0 implementation) on 127.0.0.1, driven through its own login and consent pages.
// oauth2() must log in with PKCE, refresh with rotation, and call the userinfo endpoint.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MemoryStore } from "../../core/memory_store.ts";
import type { Provider as Profile } from "../../core/provider.ts";
import { oauth2, type OAuth2Options } from "../../core/providers/oauth2.ts";
import { AuthSession } from "../../core/session.ts";

const REDIRECT = "http://127.0.0.1:8080/callback";
let server: Server;
let issuer: string;

beforeAll(async () => {
  // The server listens first (the issuer names its port); the provider answers once made.
  const app: { handler?: (req: never, res: never) => void } = {};
  server = createServer((req, res) => app.handler!(req as never, res as never));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: "tdauth-cli",
      token_endpoint_auth_method: "none",
      redirect_uris: [REDIRECT],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    }],
    scopes: ["openid", "offline_access"],
    issueRefreshToken: () => true,
    rotateRefreshToken: true,
  });
  // Silence its warnings about the in-memory adapter and development keys: this is a test.
  provider.on("server_error", (_ctx: unknown, err: Error) => console.error("oidc-provider:", err));
  app.handler = provider.callback() as never;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Follows the authorization URL through oidc-provider's dev login and consent forms. */
async function approve(authorizationURL: string): Promise<string> {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  let next: { url: string; init?: RequestInit } = { url: authorizationURL };
  for (let step = 0; step < 12; step++) {
    const response = await fetch(next.url, {
      ...next.init,
      redirect: "manual",
      headers: { ...next.init?.headers as object, cookie: cookie() },
    });
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const location = response.headers.get("location");
    if (location) {
      await response.body?.cancel();
      const absolute = new URL(location, next.url).href;
      if (absolute.startsWith(REDIRECT)) return absolute;
      next = { url: absolute };
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form on ${next.url}: ${html.slice(0, 200)}`);
    const body = new URLSearchParams();
    for (const [tag] of html.matchAll(/<input[^>]*>/g)) {
      const name = /name="([^"]+)"/.exec(tag)?.[1];
      if (name) body.set(name, /value="([^"]*)"/.exec(tag)?.[1] ?? "");
    }
    if (body.has("login")) body.set("login", "trader");
    if (body.has("password")) body.set("password", "any");
    next = {
      url: new URL(action, next.url).href,
      init: { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } },
    };
  }
  throw new Error("too many steps");
}

/** An oauth2() profile for the test server. */
function profile(extra: Partial<OAuth2Options> = {}): Profile {
  return oauth2({
    authorizationEndpoint: `${issuer}/auth`,
    tokenEndpoint: `${issuer}/token`,
    clientId: "tdauth-cli",
    redirectURI: REDIRECT,
    scope: "openid",
    issuer,
    ...extra,
  });
}

it("logs in to oidc-provider with PKCE, refreshes with rotation, and calls userinfo", async () => {
  const store = new MemoryStore();
  const session = new AuthSession({
    provider: profile({ scope: "openid offline_access", extraAuthorizationParams: { prompt: "consent" } }),
    store,
  });
  const { url } = await session.authorize();
  expect(new URL(url).searchParams.get("code_challenge_method")).toBe("S256");
  const redirect = await approve(url);
  expect(new URL(redirect).searchParams.get("iss")).toBe(issuer);
  await session.complete(redirect);
  const first = (await store.load())!;
  expect(first.refreshToken).toBeTruthy();
  expect(first.idToken).toBeTruthy();
  expect((await session.status()).state).toBe("authenticated");

  await session.refresh({ force: true });
  const second = (await store.load())!;
  expect(second.accessToken).not.toBe(first.accessToken);
  expect(second.refreshToken).not.toBe(first.refreshToken); // rotated, and kept

  const me = await session.fetch(`${issuer}/me`);
  expect(me.status).toBe(200);
  expect(await me.json()).toMatchObject({ sub: "trader" });

  // The rotated-out refresh token is dead on this server too: a second refresh must use the new one.
  await session.refresh({ force: true });
  expect((await session.status()).state).toBe("authenticated");
});

it("a callback from another issuer is refused before any token request (RFC 9207)", async () => {
  const session = new AuthSession({ provider: profile() });
  const redirect = await approve((await session.authorize()).url);
  const mixedUp = redirect.replace(/iss=[^&]+/, `iss=${encodeURIComponent("https://attacker.example")}`);
  await expect(session.complete(mixedUp)).rejects.toThrow(/issuer "https:\/\/attacker.example"/);
  expect(session.state).toBe("unauthenticated");
});

it("a replayed code is refused by the server and the session stays unauthenticated", async () => {
  const session = new AuthSession({ provider: profile({ issuer: undefined }) });
  const redirect = await approve((await session.authorize()).url);
  await session.complete(redirect);
  const code = new URL(redirect).searchParams.get("code")!;
  // A fresh login, answered with the spent code (state matches, so only the server can refuse it).
  const again = await session.authorize();
  const forged = `${REDIRECT}?code=${encodeURIComponent(code)}&state=${again.state}&iss=${encodeURIComponent(issuer)}`;
  await expect(session.complete(forged)).rejects.toMatchObject({ code: "TOKEN_REQUEST_FAILED", error: "invalid_grant" });
});

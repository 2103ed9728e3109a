/**
 * What a provider profile tells the core: where to send the user, how to ask for tokens, and
 * the lifetimes the server does not state. Profiles are data plus request builders; no I/O.
 * @module
 */

import { isLoopbackHost } from "./loopback.ts";
import type { StoredTokens, TokenResponse } from "./types.ts";

/**
 * A grant to send to the token endpoint.
 * @example
 * ```ts
 * const grant: TokenGrant = { grantType: "refresh_token", refreshToken: "rt" };
 * ```
 */
export type TokenGrant =
  | {
    grantType: "authorization_code";
    code: string;
    codeVerifier?: string;
    /** TD: ask for a refresh token (`access_type=offline`); default true. */
    offline?: boolean;
  }
  | {
    grantType: "refresh_token";
    refreshToken: string;
    /** TD: also renew the refresh token (`access_type=offline`). */
    renewRefreshToken?: boolean;
  };

/** Inputs of {@link Provider.refreshExpiresAt}. */
export interface RefreshExpiryInput {
  response: TokenResponse;
  now: number;
  authorizedAt: number;
  previous?: StoredTokens | null;
}

/**
 * The market-data and account endpoints of a provider's API, relative to its `apiBaseURL`: what
 * `TDClient.getQuotes()` and `getAccounts()` call.
 * @example
 * ```ts
 * const paths: APIPaths = { quotes: (symbols) => `/quotes?symbols=${symbols.join(",")}`, accounts: "/accounts" };
 * ```
 */
export interface APIPaths {
  /** The quotes of these symbols. */
  quotes(symbols: string[]): string;
  /** All accounts; `/<id>` after it names one. */
  accounts: string;
  /** Where account numbers map to the ids `accounts` takes, when those differ (Schwab's hashes). */
  accountNumbers?: string;
}

/**
 * A provider profile: `tdAmeritrade()`, `schwab()` or `oauth2()`.
 *
 * @example
 * ```ts
 * const provider: Provider = schwab({ clientId, clientSecret, redirectURI: "https://127.0.0.1:8182" });
 * provider.authorizationURL({ state: "s" }).href;
 * ```
 */
export interface Provider {
  /** "td-ameritrade", "schwab" or "oauth2". */
  readonly id: string;
  /** A human name for messages ("TD Ameritrade", "Charles Schwab"). */
  readonly name: string;
  readonly clientId: string;
  readonly redirectURI: string;
  /** Send a PKCE S256 challenge with each authorization request. */
  readonly usesPKCE: boolean;
  /** Whether refresh tokens can be renewed before they die (TD: `access_type=offline`). */
  readonly renewsRefreshToken: boolean;
  /** Base of the API that bearer tokens are for. */
  readonly apiBaseURL: string;
  /** Access-token lifetime to assume when a response has no `expires_in`. */
  readonly defaultAccessLifetimeMs: number;
  authorizationURL(params: { state: string; codeChallenge?: string }): URL;
  tokenRequest(grant: TokenGrant): Request;
  /** When the refresh token dies, given a token response. */
  refreshExpiresAt(input: RefreshExpiryInput): number | undefined;
  /** The authorization server's issuer identifier; when set, a callback's `iss` must equal it (RFC 9207). */
  readonly issuer?: string;
  /** Strings that only this provider's secrets match, to scrub from messages. */
  readonly secrets: ReadonlyArray<string>;
  /** Its market-data and account endpoints, where tdauth knows them (TD Ameritrade, Schwab). */
  readonly apiPaths?: APIPaths;
}

/**
 * Checks a redirect URI: absolute, https unless the host is a loopback address (RFC 8252 §7.3).
 * @example
 * ```ts
 * checkRedirectURI("http://127.0.0.1:8080/callback"); // ok
 * checkRedirectURI("http://example.com/cb");          // TypeError
 * ```
 */
export function checkRedirectURI(redirectURI: unknown): string {
  if (typeof redirectURI !== "string" || redirectURI === "") {
    throw new TypeError("redirectURI is required: the callback URL registered with your app, e.g. https://127.0.0.1:8182");
  }
  let url: URL;
  try {
    url = new URL(redirectURI);
  } catch {
    throw new TypeError(`redirectURI "${redirectURI}" is not an absolute URL; use the exact callback URL registered with your app.`);
  }
  if (url.hash) throw new TypeError(`redirectURI "${redirectURI}" must not have a #fragment (RFC 6749 §3.1.2).`);
  if (url.protocol === "https:") return redirectURI;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return redirectURI;
  throw new TypeError(
    `redirectURI "${redirectURI}" must be https, or http on a loopback host (127.0.0.1, [::1], localhost) (RFC 8252, RFC 9700).`,
  );
}

/**
 * Checks a client id is a non-empty string without spaces.
 * @example
 * ```ts
 * checkClientId("ABC123"); // "ABC123"
 * ```
 */
export function checkClientId(clientId: unknown, what = "clientId"): string {
  if (typeof clientId !== "string" || clientId.trim() === "") {
    throw new TypeError(`${what} is required: the app key (consumer key) of your registered app.`);
  }
  if (/\s/.test(clientId)) throw new TypeError(`${what} contains white space; copy the app key again without spaces.`);
  return clientId;
}

/** A form-encoded POST to a token endpoint (RFC 6749 §4.1.3, §6). */
export function formPost(url: string, body: Record<string, string | undefined>, headers: Record<string, string> = {}): Request {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) if (value !== undefined) form.set(key, value);
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", ...headers },
    body: form.toString(),
  });
}

/**
 * An authorization request URL (RFC 6749 §4.1.1): `response_type=code`, the given fields in
 * order, then `state` and the PKCE S256 challenge when there is one (RFC 7636 §4.3).
 */
export function authorizationRequestURL(
  endpoint: string,
  fields: Record<string, string | undefined>,
  { state, codeChallenge }: { state: string; codeChallenge?: string },
): URL {
  const url = new URL(endpoint);
  url.searchParams.set("response_type", "code");
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) url.searchParams.set(key, value);
  url.searchParams.set("state", state);
  if (codeChallenge) {
    url.searchParams.set("code_challenge", codeChallenge);
    url.searchParams.set("code_challenge_method", "S256");
  }
  return url;
}

/** HTTP Basic client authentication; RFC 6749 §2.3.1 form-encodes id and secret first. */
export function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (s: string) => encodeURIComponent(s).replaceAll("%20", "+");
  const bytes = new TextEncoder().encode(`${encode(clientId)}:${encode(clientSecret)}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** Joins a base URL and a path without doubling or dropping a slash. */
export function joinURL(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/** The usual rule: a newly issued refresh token lives `lifetimeMs` (or what the response states). */
export function refreshExpiryFromResponse(input: RefreshExpiryInput, lifetimeMs: number | undefined): number | undefined {
  const { response, now, previous } = input;
  if (!response.refresh_token) return previous?.refreshExpiresAt;
  if (typeof response.refresh_token_expires_in === "number") return now + response.refresh_token_expires_in * 1000;
  if (lifetimeMs !== undefined) return now + lifetimeMs;
  // Same token handed back: its old deadline still holds.
  return previous?.refreshToken === response.refresh_token ? previous.refreshExpiresAt : undefined;
}

export const DAY_MS = 86_400_000;

/**
 * What a provider profile tells the core: where to send the user, how to ask for tokens, and
 * the lifetimes the server does not state. Profiles are data plus request builders; no I/O.
 * @module
 */

import { isLoopbackHost } from "./loopback.ts";
import { base64 } from "./_random.ts";
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
  /** The token response just received. */
  response: TokenResponse;
  /** The current time, epoch milliseconds. */
  now: number;
  /** When the interactive login behind this grant happened, epoch milliseconds (Schwab's 7 days count from it). */
  authorizedAt: number;
  /** The tokens stored before this response: their refresh-token expiry stands when the response states none. */
  previous?: StoredTokens | null;
}

/**
 * The market-data and account endpoints of a provider's API, relative to its `apiBaseURL`: what
 * `TDClient.getQuotes()` and `getAccounts()` call.
 * @example
 * ```ts
 * const paths: APIPaths = { quotes: "/quotes?symbols=", accounts: "/accounts" };
 * ```
 */
export interface APIPaths {
  /** Quotes: the symbols follow, comma-separated and percent-encoded. */
  quotes: string;
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
  /** The client ID (app key) sent with every request. */
  readonly clientId: string;
  /** Where the server sends the browser back; must match the app's registration exactly. */
  readonly redirectURI: string;
  /** Send a PKCE S256 challenge with each authorization request. */
  readonly usesPKCE: boolean;
  /** Whether refresh tokens can be renewed before they die (TD: `access_type=offline`). */
  readonly renewsRefreshToken: boolean;
  /** Base of the API that bearer tokens are for. */
  readonly apiBaseURL: string;
  /** Access-token lifetime to assume when a response has no `expires_in`. */
  readonly defaultAccessLifetimeMs: number;
  /** The URL to send the user to, carrying `state` and, with PKCE, the S256 `codeChallenge`. */
  authorizationURL(params: { state: string; codeChallenge?: string }): URL;
  /** The token-endpoint request for `grant`, with the provider's client authentication. */
  tokenRequest(grant: TokenGrant): Request;
  /** When the refresh token dies, given a token response. */
  refreshExpiresAt(input: RefreshExpiryInput): number | undefined;
  /** The authorization server's issuer identifier; when set, a callback's `iss` must equal it (RFC 9207). */
  readonly issuer?: string;
  /**
   * Strings that only this provider's secrets match, to scrub from messages. A method, so that no
   * `console.log`, `util.inspect`, the `inspect` of Deno and Bun, or `JSON.stringify` of a provider
   * ever shows them (a function prints as its name).
   */
  secrets(): ReadonlyArray<string>;
  /** Its market-data and account endpoints, where tdauth knows them (TD Ameritrade, Schwab). */
  readonly apiPaths?: APIPaths;
  /**
   * A cheap authenticated GET that proves a token works, absolute or relative to `apiBaseURL`
   * (`tdauth check --verify`); when absent, `apiPaths.accountNumbers` or `apiPaths.accounts`.
   */
  readonly probeURL?: string | undefined;
}

/**
 * Checks a URL the provider is made with: absolute, no #fragment (RFC 6749 §3.1, §3.1.2), and
 * https unless its host is a loopback address (RFC 8252 §7.3): tokens and codes must not travel
 * in clear text. `what` says what the URL is, for the message when it is missing.
 * @example
 * ```ts
 * checkURL("http://127.0.0.1:8080/callback", "redirectURI", "the callback URL registered with your app"); // ok
 * checkURL("http://example.com/cb", "redirectURI", "…");                                                   // TypeError
 * ```
 */
export function checkURL(value: unknown, name: string, what: string): string {
  const text = required(value, name, what);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`${name} "${value}" is not an absolute URL: use ${what}.`);
  }
  if (url.hash) throw new TypeError(`${name} "${value}" must not have a #fragment (RFC 6749 §3.1).`);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    throw new TypeError(`${name} "${value}" must be https, or http on 127.0.0.1, [::1] or localhost (RFC 8252).`);
  }
  return text;
}

/**
 * Checks a redirect URI ({@link checkURL}).
 * @example
 * ```ts
 * checkRedirectURI("https://127.0.0.1:8182"); // "https://127.0.0.1:8182"
 * ```
 */
export function checkRedirectURI(redirectURI: unknown): string {
  return checkURL(redirectURI, "redirectURI", "your app's callback URL, e.g. https://127.0.0.1:8182");
}

/**
 * Checks a client id is a non-empty string without spaces.
 * @example
 * ```ts
 * checkClientId("ABC123"); // "ABC123"
 * ```
 */
export function checkClientId(clientId: unknown): string {
  if (/\s/.test(required(clientId, "clientId", "your app's key (consumer key)"))) {
    throw new TypeError("clientId has white space: copy the app key again.");
  }
  return clientId as string;
}

/**
 * Checks an option is a string with more than white space in it; `what` says what it is, for the
 * message when it is missing.
 * @example
 * ```ts
 * required(options.clientSecret, "clientSecret", "your app's secret"); // the secret, or TypeError
 * ```
 */
export function required(value: unknown, name: string, what: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new TypeError(`${name} is required: ${what}.`);
  return value;
}

/**
 * The fields that have a value, in order: a field left undefined is not sent (or stored) at all.
 * @example
 * ```ts
 * given({ a: "1", b: undefined }); // [["a", "1"]]
 * ```
 */
export function given<T>(fields: Record<string, T | undefined>): [string, T][] {
  return Object.entries(fields).filter((field): field is [string, T] => field[1] !== undefined);
}

/**
 * The object with its undefined fields left out: what is stored or reported never holds an
 * undefined key.
 * @example
 * ```ts
 * defined({ a: 1, b: undefined }); // { a: 1 }
 * ```
 */
export function defined<T extends object>(fields: T): T {
  return Object.fromEntries(given(fields as Record<string, unknown>)) as T;
}

/**
 * The token request of a grant (RFC 6749 §4.1.3, §6): a form-encoded POST of the fields every
 * profile sends, then the profile's own (client id, TD's `access_type`), with HTTP Basic client
 * authentication when `authorization` is given. It never follows a redirect: a 307 or 308 would
 * carry the body (refresh token, code, verifier, secret) to another origin.
 * @example
 * ```ts
 * grantRequest("https://as.example/token", grant, redirectURI, { client_id: "app" });
 * ```
 */
export function grantRequest(
  url: string,
  grant: TokenGrant,
  redirectURI: string,
  fields: Record<string, string | undefined>,
  authorization?: string,
): Request {
  const body = {
    grant_type: grant.grantType,
    ...(grant.grantType === "authorization_code"
      ? { code: grant.code, redirect_uri: redirectURI, code_verifier: grant.codeVerifier }
      : { refresh_token: grant.refreshToken }),
    ...fields,
  };
  return new Request(url, {
    method: "POST",
    headers: defined({ "content-type": "application/x-www-form-urlencoded", accept: "application/json", authorization }) as HeadersInit,
    body: new URLSearchParams(given(body)),
    redirect: "manual",
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
  const pkce = codeChallenge ? { code_challenge: codeChallenge, code_challenge_method: "S256" } : {};
  for (const [key, value] of given({ response_type: "code", ...fields, state, ...pkce })) url.searchParams.set(key, value);
  return url;
}

/** HTTP Basic client authentication; RFC 6749 §2.3.1 form-encodes id and secret first. */
export function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (s: string) => encodeURIComponent(s).replaceAll("%20", "+");
  return `Basic ${base64(new TextEncoder().encode(`${encode(clientId)}:${encode(clientSecret)}`))}`;
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

/**
 * The Charles Schwab Trader API profile: a confidential client (HTTP Basic), https callback,
 * refresh tokens capped at 7 days from the interactive login (a cap Schwab keeps loosely: past it
 * the session tries its refresh, and only the server's refusal ends it).
 * @module
 */

import {
  authorizationRequestURL,
  basicAuth,
  checkClientId,
  checkRedirectURI,
  DAY_MS,
  grantRequest,
  joinURL,
  type Provider,
  required,
} from "../provider.ts";

/**
 * Options of {@link schwab}.
 * @example
 * ```ts
 * const options: SchwabOptions = { clientId: "APPKEY", clientSecret: "SECRET", redirectURI: "https://127.0.0.1:8182" };
 * ```
 */
export interface SchwabOptions {
  /** The app key. */
  clientId: string;
  /** The app secret. */
  clientSecret: string;
  /** The registered callback, exactly: https, 127.0.0.1 (not localhost), no stray trailing slash. */
  redirectURI: string;
  /** Replaces https://api.schwabapi.com (the emulator). */
  baseURL?: string;
  /** The refresh-token cap counted from the login; default 7 days. */
  refreshTokenLifetimeMs?: number;
  /** Send PKCE; off by default because Schwab does not document it. */
  pkce?: boolean;
}

/**
 * The Charles Schwab OAuth profile.
 *
 * @example
 * ```ts
 * const provider = schwab({ clientId: env.APP_KEY, clientSecret: env.APP_SECRET, redirectURI: "https://127.0.0.1:8182" });
 * ```
 */
export function schwab(options: SchwabOptions): Provider {
  const clientId = checkClientId(options?.clientId);
  const secret = required(options.clientSecret, "clientSecret", "your app's secret");
  const redirectURI = checkRedirectURI(options.redirectURI);
  const base = options.baseURL ?? "https://api.schwabapi.com";
  const tokenURL = joinURL(base, "/v1/oauth/token");
  const cap = options.refreshTokenLifetimeMs ?? 7 * DAY_MS;
  const authorization = basicAuth(clientId, secret);

  return {
    id: "schwab",
    name: "Charles Schwab",
    clientId,
    redirectURI,
    usesPKCE: options.pkce === true,
    renewsRefreshToken: false,
    apiBaseURL: base,
    defaultAccessLifetimeMs: 1_800_000,
    secrets: () => [secret, authorization.slice(6)],
    apiPaths: {
      quotes: "/marketdata/v1/quotes?symbols=",
      accounts: "/trader/v1/accounts",
      accountNumbers: "/trader/v1/accounts/accountNumbers",
    },
    authorizationURL: (pkce) =>
      authorizationRequestURL(joinURL(base, "/v1/oauth/authorize"), { client_id: clientId, redirect_uri: redirectURI }, pkce),
    tokenRequest: (grant) => grantRequest(tokenURL, grant, redirectURI, {}, authorization),
    // Refreshing never extends a Schwab grant: only a new interactive login does.
    refreshExpiresAt: ({ authorizedAt }) => authorizedAt + cap,
  };
}

/**
 * The TD Ameritrade profile: a public client whose id carries `@AMER.OAUTHAP`, refresh tokens
 * for 90 days renewed with `access_type=offline`.
 * @module
 */

import {
  authorizationRequestURL,
  checkClientId,
  checkRedirectURI,
  DAY_MS,
  grantRequest,
  joinURL,
  type Provider,
  refreshExpiryFromResponse,
} from "../provider.ts";

/**
 * Options of {@link tdAmeritrade}.
 * @example
 * ```ts
 * const options: TDAmeritradeOptions = { clientId: "APPKEY", redirectURI: "https://127.0.0.1" };
 * ```
 */
export interface TDAmeritradeOptions {
  /** The consumer key; `@AMER.OAUTHAP` is appended when missing. */
  clientId: string;
  /** Exactly as registered (scheme, port and trailing slash all count). */
  redirectURI: string;
  /** Replaces both https://auth.tdameritrade.com and https://api.tdameritrade.com (the emulator). */
  baseURL?: string;
  /** Refresh-token lifetime when the server does not state one; default 90 days. */
  refreshTokenLifetimeMs?: number;
}

const SUFFIX = "@AMER.OAUTHAP";

/**
 * The TD Ameritrade OAuth profile (the API was retired on 2024-05-13; kept for the Python library's API and the
 * emulator).
 *
 * @example
 * ```ts
 * const session = new AuthSession({ provider: tdAmeritrade({ clientId: "APPKEY", redirectURI: "https://127.0.0.1" }) });
 * ```
 */
export function tdAmeritrade(options: TDAmeritradeOptions): Provider {
  const key = checkClientId(options?.clientId);
  const redirectURI = checkRedirectURI(options.redirectURI);
  const oauthId = key.endsWith(SUFFIX) ? key : `${key}${SUFFIX}`;
  const bare = oauthId.slice(0, -SUFFIX.length);
  const authBase = options.baseURL ?? "https://auth.tdameritrade.com";
  const apiBase = options.baseURL ?? "https://api.tdameritrade.com";
  const tokenURL = joinURL(apiBase, "/v1/oauth2/token");
  const lifetime = options.refreshTokenLifetimeMs ?? 90 * DAY_MS;

  return {
    id: "td-ameritrade",
    name: "TD Ameritrade",
    clientId: bare,
    redirectURI,
    usesPKCE: false,
    renewsRefreshToken: true,
    apiBaseURL: joinURL(apiBase, "/v1"),
    defaultAccessLifetimeMs: 1_800_000,
    secrets: () => [],
    apiPaths: {
      quotes: `/marketdata/quotes?apikey=${encodeURIComponent(bare)}&symbol=`,
      accounts: "/accounts",
    },
    authorizationURL: (pkce) =>
      authorizationRequestURL(joinURL(authBase, "/auth"), { redirect_uri: redirectURI, client_id: oauthId }, pkce),
    tokenRequest: (grant) =>
      grantRequest(tokenURL, grant, redirectURI, {
        client_id: oauthId,
        // Offline access asks for a refresh token with a login (unless refused) and renews it with a refresh.
        access_type: (grant.grantType === "authorization_code" ? grant.offline !== false : grant.renewRefreshToken) ? "offline" : undefined,
      }),
    // TD states the lifetime whenever it issues a refresh token for offline access; a token it
    // hands back on a plain refresh inherits the old deadline, and only a login starts 90 days.
    refreshExpiresAt: (input) =>
      input.response.refresh_token_expires_in === undefined && input.previous?.refreshExpiresAt !== undefined
        ? input.previous.refreshExpiresAt
        : refreshExpiryFromResponse(input, lifetime),
  };
}

/**
 * A profile for any RFC 6749 authorization server: PKCE S256 on by default, client
 * authentication none, client_secret_basic or client_secret_post.
 * @module
 */

import {
  authorizationRequestURL,
  basicAuth,
  checkClientId,
  checkRedirectURI,
  checkURL,
  grantRequest,
  type Provider,
  refreshExpiryFromResponse,
} from "../provider.ts";

/**
 * Options of {@link oauth2}.
 * @example
 * ```ts
 * const options: OAuth2Options = {
 *   authorizationEndpoint: "https://auth.example.com/authorize",
 *   tokenEndpoint: "https://auth.example.com/token",
 *   clientId: "cli", redirectURI: "http://127.0.0.1:8080/callback",
 * };
 * ```
 */
export interface OAuth2Options {
  /** Where the user is sent to log in and approve (https, or a loopback http URL). */
  authorizationEndpoint: string;
  /** Where codes and refresh tokens are exchanged for tokens. */
  tokenEndpoint: string;
  /** The client ID the server registered. */
  clientId: string;
  /** The registered redirect URI (https unless its host is a loopback address). */
  redirectURI: string;
  /** The client secret of a confidential client; omit for a public client. */
  clientSecret?: string;
  /** Default: "client_secret_basic" with a secret, else "none". */
  clientAuth?: "none" | "client_secret_basic" | "client_secret_post";
  /** Space-separated scopes for the authorization request. */
  scope?: string;
  /** PKCE S256; default true (RFC 9700 §2.1.1). */
  pkce?: boolean;
  /** Where API calls go (for `session.fetch` with relative paths); default the token endpoint's origin. */
  apiBaseURL?: string;
  /** Refresh-token lifetime when the server does not state one; default unknown. */
  refreshTokenLifetimeMs?: number;
  /** Access-token lifetime when the response has no `expires_in`; default 3600 s. */
  defaultAccessLifetimeMs?: number;
  /**
   * A cheap authenticated GET that proves a token works (`tdauth check --verify`), absolute or
   * relative to `apiBaseURL`; e.g. a userinfo endpoint.
   */
  probeURL?: string;
  /** The server's issuer identifier: a callback whose `iss` differs is refused (RFC 9207 mix-up defence). */
  issuer?: string;
  /** Extra authorization-request parameters (e.g. `{ access_type: "offline" }`). */
  extraAuthorizationParams?: Record<string, string>;
}

/**
 * A generic OAuth 2.0 authorization-code profile.
 *
 * @example
 * ```ts
 * const provider = oauth2({
 *   authorizationEndpoint: "https://auth.example.com/authorize",
 *   tokenEndpoint: "https://auth.example.com/token",
 *   clientId: "cli", redirectURI: "http://127.0.0.1:8080/callback", scope: "read",
 * });
 * ```
 */
export function oauth2(options: OAuth2Options): Provider {
  const authorizationEndpoint = checkURL(
    options?.authorizationEndpoint,
    "authorizationEndpoint",
    "the server's authorization endpoint URL",
  );
  const tokenEndpoint = checkURL(options.tokenEndpoint, "tokenEndpoint", "the server's token endpoint URL");
  const clientId = checkClientId(options.clientId);
  const redirectURI = checkRedirectURI(options.redirectURI);
  const secret = options.clientSecret;
  const clientAuth = options.clientAuth ?? (secret ? "client_secret_basic" : "none");
  if (!["none", "client_secret_basic", "client_secret_post"].includes(clientAuth) || (clientAuth !== "none" && !secret)) {
    throw new TypeError(`clientAuth "${clientAuth}" is not "none", or "client_secret_basic" or "client_secret_post" with a clientSecret.`);
  }
  const authorization = clientAuth === "client_secret_basic" && secret ? basicAuth(clientId, secret) : undefined;
  const clientFields = clientAuth === "client_secret_post"
    ? { client_id: clientId, client_secret: secret }
    : authorization
    ? {}
    : { client_id: clientId };

  return {
    id: "oauth2",
    name: new URL(tokenEndpoint).host,
    clientId,
    redirectURI,
    usesPKCE: options.pkce !== false,
    renewsRefreshToken: false,
    apiBaseURL: options.apiBaseURL ?? new URL(tokenEndpoint).origin,
    defaultAccessLifetimeMs: options.defaultAccessLifetimeMs ?? 3_600_000,
    issuer: options.issuer,
    probeURL: options.probeURL,
    secrets: () => [secret, authorization?.slice(6)].filter(Boolean) as string[],
    authorizationURL: (pkce) =>
      authorizationRequestURL(authorizationEndpoint, {
        client_id: clientId,
        redirect_uri: redirectURI,
        scope: options.scope,
        ...options.extraAuthorizationParams,
      }, pkce),
    tokenRequest: (grant) => grantRequest(tokenEndpoint, grant, redirectURI, clientFields, authorization),
    refreshExpiresAt: (input) => refreshExpiryFromResponse(input, options.refreshTokenLifetimeMs),
  };
}

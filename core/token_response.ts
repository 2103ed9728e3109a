// Pure decisions about token-endpoint responses: is this a usable token response, a dead grant,
// a transient failure? And what do we store from it? No I/O here (oauth4webapi's split).

import { defined, type Provider } from "./provider.ts";
import type { StoredTokens, TokenResponse } from "./types.ts";

/**
 * What a token may hold: visible ASCII, no control character, space or non-ASCII, so it can
 * travel in an Authorization header (RFC 6750 §2.1's b64token is narrower; Schwab's end in "@").
 */
const TOKEN = /^[\x21-\x7e]+$/;

/** The longest lifetime believed (ten years, in seconds): a larger `expires_in` is an error, not a promise. */
const MAX_LIFETIME_S = 315_360_000;

/** What a token-endpoint reply means. */
export type TokenOutcome =
  | { kind: "ok"; response: TokenResponse }
  // `cause`: the error of a request that got no reply.
  | { kind: "transient"; status: number; detail: string; retryAfterMs?: number | undefined; cause?: unknown }
  | { kind: "rejected"; status: number; error: string; description?: string; grantDead: boolean }
  // `refreshToken`: a usable new refresh token in a refused reply, which the server may already have rotated to.
  | { kind: "invalid"; status: number; detail: string; refreshToken?: string | undefined };

/** A `Retry-After` value (seconds, or an HTTP date) as milliseconds from `now`. */
function parseRetryAfter(value: string | null, now: number): number | undefined {
  const ms = value ? (Number.isFinite(+value) ? +value * 1000 : Date.parse(value) - now) : Number.NaN;
  return Number.isNaN(ms) ? undefined : Math.max(0, ms);
}

function describeNonJSON(text: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  return title ? `an HTML page ("${title}")` : text.trim() ? "a body that is not JSON" : "an empty body";
}

/**
 * Classifies a token-endpoint reply from its status, `Retry-After` header and body text.
 *
 * @example
 * ```ts
 * classifyTokenReply(400, null, '{"error":"invalid_grant"}', Date.now()); // { kind: "rejected", grantDead: true, ... }
 * ```
 */
export function classifyTokenReply(status: number, retryAfter: string | null, text: string, now: number): TokenOutcome {
  if (status === 429 || status >= 500) {
    return { kind: "transient", status, detail: `HTTP ${status}`, retryAfterMs: parseRetryAfter(retryAfter, now) };
  }
  let body: Record<string, unknown>;
  const invalid = (detail: string, refreshToken?: string): TokenOutcome => ({ kind: "invalid", status, detail, refreshToken });
  try {
    body = JSON.parse(text);
  } catch {
    return invalid(describeNonJSON(text));
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return invalid("JSON that is not an object");
  const error = str(body.error);
  if (status < 200 || status >= 300 || error !== undefined) {
    const code = error ?? `http_${status}`;
    const description = str(body.error_description) || undefined;
    return {
      kind: "rejected",
      status,
      error: code,
      description,
      // Only a reply that names the refresh token dead ends the session. Schwab nests
      // "refresh_token_authentication_error" inside error_description, and answers a dead refresh
      // token with invalid_client "refresh token invalid" too, but a wrong app secret with
      // invalid_client "Unauthorized": that one is this process's mistake, not the session's end.
      grantDead: code === "invalid_grant" || text.includes("refresh_token_authentication_error") ||
        (code === "invalid_client" && /refresh.?token/i.test(description!)),
    };
  }
  const { access_token: access, refresh_token: refresh } = body;
  // A new refresh token is kept even when the rest of the reply is refused: the server may have
  // rotated already, and the old one is then spent.
  const usable = str(refresh) && TOKEN.test(refresh as string) ? refresh as string : undefined;
  const refuse = (detail: string): TokenOutcome => invalid(detail, usable);
  if (!str(access)) return refuse("a JSON body without access_token");
  const bad = TOKEN.test(access as string) ? (refresh && !usable ? "refresh_token" : undefined) : "access_token";
  if (bad) return refuse(`a ${bad} with control characters, white space or non-ASCII`);
  const expiresIn = body.expires_in === undefined ? Number.NaN : lifetime(body.expires_in);
  if (expiresIn === undefined) return refuse("an expires_in out of range (1 s to 10 years)");
  const type = str(body.token_type);
  // We send "Authorization: Bearer"; any other type would be misused (RFC 6749 §7.1).
  if (type && type.toLowerCase() !== "bearer") return refuse(`token_type "${type}" (only Bearer is supported)`);
  // Fields without a usable value are left out: an unusable refresh-token lifetime, for one, gives
  // way to the profile's known lifetime.
  return {
    kind: "ok",
    response: defined<TokenResponse>({
      access_token: access as string,
      expires_in: expiresIn,
      token_type: type,
      refresh_token: usable,
      refresh_token_expires_in: lifetime(body.refresh_token_expires_in),
      scope: str(body.scope),
      id_token: str(body.id_token),
    }),
  };
}

/** The value when it is a string. */
function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A positive number of seconds up to {@link MAX_LIFETIME_S} (a numeric string counts), else undefined. */
function lifetime(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && n > 0 && n <= MAX_LIFETIME_S ? n : undefined;
}

/**
 * What to store after a successful token response. A refresh without `refresh_token` keeps the
 * old one; a rotated one replaces it; a refresh keeps the login time (Schwab's 7-day clock).
 *
 * @example
 * ```ts
 * const next = tokensFromResponse(response, { now: Date.now(), provider, previous: stored });
 * ```
 */
export function tokensFromResponse(
  response: TokenResponse,
  context: { now: number; provider: Provider; previous?: StoredTokens | null; origin?: Pick<StoredTokens, "loginHost" | "loginTool"> },
): StoredTokens {
  const { now, provider, previous } = context;
  const authorizedAt = previous?.authorizedAt ?? now;
  const lifetime = Number.isFinite(response.expires_in) ? response.expires_in * 1000 : provider.defaultAccessLifetimeMs;
  const refreshToken = response.refresh_token ?? previous?.refreshToken;
  // What the record says besides the tokens (baseURL, where the login was made, a store's own
  // fields) stays, and so do a scope, ID token or refresh token the reply does not repeat; the
  // access token, its times, the refresh token's expiry and any expiry mark are replaced. Where
  // the login was made (`origin`) is recorded by a login only: a refresh is not a login.
  const { expired: _, refreshExpiresAt: __, ...kept } = (previous ?? context.origin ?? {}) as Partial<StoredTokens>;
  return {
    tokenType: "Bearer",
    ...kept,
    // Fields without a value are left out, so a stored record never holds an undefined key.
    ...defined<Partial<StoredTokens>>({
      accessToken: response.access_token,
      refreshToken,
      tokenType: response.token_type,
      scope: response.scope,
      idToken: response.id_token,
      accessExpiresAt: now + lifetime,
      accessIssuedAt: now,
      refreshExpiresAt: refreshToken ? provider.refreshExpiresAt({ response, now, authorizedAt, previous: previous ?? null }) : undefined,
      authorizedAt,
      provider: provider.id,
      clientId: provider.clientId,
    }),
  } as StoredTokens;
}

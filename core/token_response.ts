// Pure decisions about token-endpoint responses: is this a usable token response, a dead grant,
// a transient failure? And what do we store from it? No I/O here (oauth4webapi's split).

import type { Provider } from "./provider.ts";
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
  | { kind: "transient"; status: number; detail: string; retryAfterMs?: number }
  | { kind: "rejected"; status: number; error: string; description?: string; grantDead: boolean }
  // `refreshToken`: a usable new refresh token in a refused reply, which the server may already have rotated to.
  | { kind: "invalid"; status: number; detail: string; refreshToken?: string | undefined };

function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function describeNonJSON(text: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  if (title) return `an HTML page ("${title}")`;
  if (/^\s*</.test(text)) return "an HTML page";
  return text.trim() === "" ? "an empty body" : "a body that is not JSON";
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
    const outcome: TokenOutcome = { kind: "transient", status, detail: `HTTP ${status}` };
    const after = parseRetryAfter(retryAfter, now);
    if (after !== undefined) outcome.retryAfterMs = after;
    return outcome;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: "invalid", status, detail: describeNonJSON(text) };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { kind: "invalid", status, detail: "JSON that is not an object" };
  }
  const body = json as Record<string, unknown>;
  if (status < 200 || status >= 300 || typeof body.error === "string") {
    const error = typeof body.error === "string" ? body.error : `http_${status}`;
    const description = typeof body.error_description === "string" ? body.error_description : "";
    return {
      kind: "rejected",
      status,
      error,
      description: description || undefined,
      // Only a reply that names the refresh token dead ends the session. Schwab nests
      // "refresh_token_authentication_error" inside error_description, and answers a dead refresh
      // token with invalid_client "refresh token invalid" too, but a wrong app secret with
      // invalid_client "Unauthorized": that one is this process's mistake, not the session's end.
      grantDead: error === "invalid_grant" || text.includes("refresh_token_authentication_error") ||
        (error === "invalid_client" && /refresh.?token/i.test(description)),
    };
  }
  const refresh = body.refresh_token;
  // A new refresh token is kept even when the rest of the reply is refused: the server may have
  // rotated already, and the old one is then spent.
  const usable = typeof refresh === "string" && TOKEN.test(refresh) ? refresh : undefined;
  const invalid = (detail: string): TokenOutcome => ({ kind: "invalid", status, detail, refreshToken: usable });
  if (typeof body.access_token !== "string" || body.access_token === "") return invalid("a JSON body without access_token");
  for (const [name, token] of [["access_token", body.access_token], ["refresh_token", refresh || "-"]]) {
    if (typeof token !== "string" || !TOKEN.test(token)) return invalid(`a ${name} with control characters, white space or non-ASCII`);
  }
  const response: TokenResponse = { access_token: body.access_token, expires_in: Number.NaN };
  if (body.expires_in !== undefined) {
    const expires = lifetime(body.expires_in);
    if (expires === undefined) return invalid("an expires_in out of range (1 s to 10 years)");
    response.expires_in = expires;
  }
  if (typeof body.token_type === "string") {
    // We send "Authorization: Bearer"; any other type would be misused (RFC 6749 §7.1).
    if (body.token_type.toLowerCase() !== "bearer") return invalid(`token_type "${body.token_type}" (only Bearer is supported)`);
    response.token_type = body.token_type;
  }
  if (usable) response.refresh_token = usable;
  // An unusable refresh-token lifetime is left out: the profile's known lifetime applies instead.
  const refreshLifetime = lifetime(body.refresh_token_expires_in);
  if (refreshLifetime !== undefined) response.refresh_token_expires_in = refreshLifetime;
  if (typeof body.scope === "string") response.scope = body.scope;
  if (typeof body.id_token === "string") response.id_token = body.id_token;
  return { kind: "ok", response };
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
  context: { now: number; provider: Provider; previous?: StoredTokens | null },
): StoredTokens {
  const { now, provider, previous } = context;
  const authorizedAt = previous?.authorizedAt ?? now;
  const lifetime = Number.isFinite(response.expires_in) ? response.expires_in * 1000 : provider.defaultAccessLifetimeMs;
  const tokens: StoredTokens = {
    accessToken: response.access_token,
    tokenType: response.token_type ?? "Bearer",
    accessExpiresAt: now + lifetime,
    accessIssuedAt: now,
    authorizedAt,
    provider: provider.id,
    clientId: provider.clientId,
  };
  const refreshToken = response.refresh_token ?? previous?.refreshToken;
  if (refreshToken) tokens.refreshToken = refreshToken;
  const refreshExpiresAt = provider.refreshExpiresAt({ response, now, authorizedAt, previous: previous ?? null });
  if (refreshExpiresAt !== undefined && refreshToken) tokens.refreshExpiresAt = refreshExpiresAt;
  const scope = response.scope ?? previous?.scope;
  if (scope !== undefined) tokens.scope = scope;
  const idToken = response.id_token ?? previous?.idToken;
  if (idToken !== undefined) tokens.idToken = idToken;
  return tokens;
}

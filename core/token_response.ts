// Pure decisions about token-endpoint responses: is this a usable token response, a dead grant,
// a transient failure? And what do we store from it? No I/O here (oauth4webapi's split).

import { TokenRequestError } from "./errors.ts";
import type { Provider } from "./provider.ts";
import type { StoredTokens, TokenResponse } from "./types.ts";

/** OAuth errors after which the grant cannot be used again: the user must log in. */
const DEAD_GRANT_ERRORS = new Set(["invalid_grant", "invalid_client", "unauthorized_client", "unsupported_token_type"]);

/** What a token-endpoint reply means. */
export type TokenOutcome =
  | { kind: "ok"; response: TokenResponse }
  | { kind: "transient"; status: number; detail: string; retryAfterMs?: number }
  | { kind: "rejected"; status: number; error: string; description?: string; grantDead: boolean }
  | { kind: "invalid"; status: number; detail: string };

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
    const rejected: TokenOutcome = {
      kind: "rejected",
      status,
      error,
      // Schwab nests "refresh_token_authentication_error" inside error_description.
      grantDead: DEAD_GRANT_ERRORS.has(error) || text.includes("refresh_token_authentication_error"),
    };
    if (typeof body.error_description === "string") rejected.description = body.error_description;
    return rejected;
  }
  if (typeof body.access_token !== "string" || body.access_token === "") {
    return { kind: "invalid", status, detail: "a JSON body without access_token" };
  }
  const response: TokenResponse = { access_token: body.access_token, expires_in: Number.NaN };
  if (body.expires_in !== undefined) {
    const expires = typeof body.expires_in === "string" && body.expires_in.trim() !== "" ? Number(body.expires_in) : body.expires_in;
    if (typeof expires !== "number" || !Number.isFinite(expires) || expires <= 0) {
      return { kind: "invalid", status, detail: "an expires_in that is not a positive number" };
    }
    response.expires_in = expires;
  }
  if (typeof body.token_type === "string") {
    // We send "Authorization: Bearer"; any other type would be misused (RFC 6749 §7.1).
    if (body.token_type.toLowerCase() !== "bearer") {
      return { kind: "invalid", status, detail: `token_type "${body.token_type}" (only Bearer is supported)` };
    }
    response.token_type = body.token_type;
  }
  if (typeof body.refresh_token === "string" && body.refresh_token !== "") response.refresh_token = body.refresh_token;
  if (body.refresh_token_expires_in !== undefined) {
    const r = Number(body.refresh_token_expires_in);
    if (Number.isFinite(r) && r > 0) response.refresh_token_expires_in = r;
  }
  if (typeof body.scope === "string") response.scope = body.scope;
  if (typeof body.id_token === "string") response.id_token = body.id_token;
  return { kind: "ok", response };
}

/**
 * Whether an error from {@link requestToken} means the grant is dead and the user must log in.
 * @example
 * ```ts
 * if (isDeadGrantError(err)) console.log("log in again");
 * ```
 */
export function isDeadGrantError(error: unknown): error is TokenRequestError {
  return error instanceof TokenRequestError && error.error !== undefined &&
    (DEAD_GRANT_ERRORS.has(error.error) || (error.error_description ?? "").includes("refresh_token_authentication_error"));
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

// When a stored record needs a refresh or a renewal, and whether its access token may be handed
// out without one: pure decisions on the record and `now`, apart from the session that acts.
// When a record means the session expired is deriveState() and expiryReason() (state_machine.ts).

import type { StoredTokens } from "./types.ts";

/**
 * What the refresh decisions depend on besides the record: the session's windows and whether
 * its provider renews refresh tokens.
 * @example
 * ```ts
 * const policy: RefreshPolicy = { refreshAheadMs: 300_000, refreshTokenRenewAheadMs: 5 * 86_400_000, renewsRefreshToken: true };
 * ```
 */
export interface RefreshPolicy {
  /** Refresh this long before the access token dies (at most half its life). */
  refreshAheadMs: number;
  /** Renew a renewable refresh token this long before it dies. */
  refreshTokenRenewAheadMs: number;
  /** Whether the provider can renew refresh tokens before they die (TD's `access_type=offline`). */
  renewsRefreshToken: boolean;
  /** The mandatory window: callers wait for the refresh this long before the access token dies; default {@link MUST_REFRESH_MS}. */
  mustRefreshMs?: number;
}

/** The last minute of an access token's life: too short to hand it on without a refresh. */
export const MUST_REFRESH_MS = 60_000;

/**
 * Until when a record needs no refresh: `refreshAheadMs` before the access token dies, capped at
 * half its life, and (where refresh tokens renew) `refreshTokenRenewAheadMs` before the refresh token dies.
 * `-Infinity` for a record the server rejected.
 *
 * @example
 * ```ts
 * if (now >= freshUntil(tokens, policy)) await refresh();
 * ```
 */
export function freshUntil(tokens: StoredTokens, policy: RefreshPolicy): number {
  if (tokens.expired) return -Infinity;
  // Short-lived tokens (a 5-minute token with the 5-minute default) would otherwise be
  // refreshed on every call: refresh no earlier than half-way through a token's life.
  const issued = tokens.accessIssuedAt;
  const ahead = issued === undefined ? policy.refreshAheadMs : Math.min(policy.refreshAheadMs, (tokens.accessExpiresAt - issued) / 2);
  return Math.min(tokens.accessExpiresAt - ahead, renewsAt(tokens, policy));
}

/**
 * When a record enters the mandatory window: `mustRefreshMs` before its access token dies, never
 * before {@link freshUntil} (a short token's whole window is mandatory). From `freshUntil` until
 * then (the advisory window) the token is still handed out while a refresh runs in the background.
 * `-Infinity` for a record the server rejected.
 *
 * @example
 * ```ts
 * if (now < mustRefreshAt(tokens, policy)) startRefreshInBackground(); else await refresh();
 * ```
 */
export function mustRefreshAt(tokens: StoredTokens, policy: RefreshPolicy): number {
  const advisory = freshUntil(tokens, policy);
  return advisory === -Infinity ? advisory : Math.max(advisory, tokens.accessExpiresAt - (policy.mustRefreshMs ?? MUST_REFRESH_MS));
}

/**
 * Whether a record needs no refresh at `now`.
 * @example
 * ```ts
 * isFresh(await store.load(), Date.now(), policy);
 * ```
 */
export function isFresh(tokens: StoredTokens, now: number, policy: RefreshPolicy): boolean {
  return now < freshUntil(tokens, policy);
}

/**
 * Whether a refresh at `now` should also renew the refresh token (TD's `access_type=offline`).
 * @example
 * ```ts
 * const grant = { grantType: "refresh_token", refreshToken, renewRefreshToken: needsRenewal(tokens, now, policy) };
 * ```
 */
export function needsRenewal(tokens: StoredTokens, now: number, policy: RefreshPolicy): boolean {
  return now >= renewsAt(tokens, policy);
}

/** When a renewable refresh token is due for renewal; Infinity when it is not renewable. */
function renewsAt(tokens: StoredTokens, policy: RefreshPolicy): number {
  const renewable = policy.renewsRefreshToken && tokens.refreshToken !== undefined && tokens.refreshExpiresAt !== undefined;
  return renewable ? tokens.refreshExpiresAt! - policy.refreshTokenRenewAheadMs : Infinity;
}

/**
 * Whether a stored access token may be handed on as it is, with no refresh: not rejected, and
 * more than {@link MUST_REFRESH_MS} left. For a caller that cannot refresh (the CLI without the
 * app's credentials).
 *
 * @example
 * ```ts
 * if (usableWithoutRefresh(stored, Date.now())) console.log(stored.accessToken);
 * ```
 */
export function usableWithoutRefresh(tokens: StoredTokens | null, now: number): tokens is StoredTokens {
  return tokens !== null && !tokens.expired && now < tokens.accessExpiresAt - MUST_REFRESH_MS;
}

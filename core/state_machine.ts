/**
 * The session state machine as a pure function: `transition(snapshot, event, now)` returns the
 * next snapshot or throws `StateError`. Time is an input, never read inside. Every change of a
 * session's state goes through it.
 *
 * ```
 * unauthenticated ─authorize→ authorizing ─authorized→ authenticated ─expired→ expired
 *        ↑  (authorization_failed: back to the state before)      │ refreshed ↺       │
 *        └──────────────────── logout (from any state) ───────────┴───────────────────┘
 * loaded (any state): the store was read; the state is what its record means (deriveState)
 * ```
 * @module
 */

import { StateError } from "./errors.ts";
import type { AuthState, StoredTokens } from "./types.ts";

/** A login started by `authorize()` and not yet completed. The verifier is a secret. */
export interface PendingAuthorization {
  /** The `state` sent with the authorization request; the callback must bring it back. */
  state: string;
  /** The PKCE verifier the code exchange sends, when the provider uses PKCE (a secret). */
  codeVerifier?: string;
  /** The redirect URI of the authorization request; the code exchange repeats it. */
  redirectURI: string;
  /** When the login started, epoch milliseconds (it times out after `authorizationTimeoutMs`). */
  createdAt: number;
}

/**
 * Everything the machine decides on.
 * @example
 * ```ts
 * const start: AuthSnapshot = { state: "unauthenticated", tokens: null, changedAt: 0 };
 * ```
 */
export interface AuthSnapshot {
  /** The session's state. */
  state: AuthState;
  /** The tokens the state was derived from, or null when none are stored. */
  tokens: StoredTokens | null;
  /** While authorizing: the login in progress. */
  pending?: PendingAuthorization;
  /** While authorizing: the state to return to when the login fails. */
  previous?: Exclude<AuthState, "authorizing">;
  /** Why the session is expired or why the last login failed. */
  reason?: string;
  /** When the state last changed, epoch milliseconds. */
  changedAt: number;
}

/**
 * What can happen to a session.
 * @example
 * ```ts
 * const event: AuthEvent = { type: "logout" };
 * ```
 */
export type AuthEvent =
  | { type: "authorize"; pending: PendingAuthorization }
  | { type: "authorized"; tokens: StoredTokens }
  | { type: "authorization_failed"; reason: string }
  | { type: "refreshed"; tokens: StoredTokens }
  | { type: "expired"; reason: string; tokens?: StoredTokens }
  | { type: "logout" }
  /** The store was read: another process may have logged in, refreshed, expired or logged out. */
  | { type: "loaded"; tokens: StoredTokens | null };

/** Every event type, for exhaustive tests and docs. */
export const AUTH_EVENTS: ReadonlyArray<AuthEvent["type"]> = [
  "authorize",
  "authorized",
  "authorization_failed",
  "refreshed",
  "expired",
  "logout",
  "loaded",
];

/** Every state. */
export const AUTH_STATES: ReadonlyArray<AuthState> = ["unauthenticated", "authorizing", "authenticated", "expired"];

function illegal(from: AuthState, event: AuthEvent["type"], hint: string): never {
  throw new StateError(`Cannot ${event.replace("_", " ")} while ${from}: ${hint}`);
}

/**
 * The next snapshot after `event`, or `StateError` when the current state does not allow it.
 *
 * Logging in again while authenticated is allowed (to restart Schwab's 7-day clock): the old
 * tokens keep working until the new ones replace them, and a failed login returns there.
 *
 * @example
 * ```ts
 * let s: AuthSnapshot = { state: "unauthenticated", tokens: null, changedAt: 0 };
 * s = transition(s, { type: "authorize", pending }, Date.now());  // authorizing
 * s = transition(s, { type: "authorized", tokens }, Date.now());  // authenticated
 * ```
 */
export function transition(snapshot: AuthSnapshot, event: AuthEvent, now: number): AuthSnapshot {
  const from = snapshot.state;
  const pending = from === "authorizing";
  // While a login is pending, the session a failed one returns to is the one that refreshes and expires.
  const settled = pending ? snapshot.previous ?? "unauthenticated" : from;
  let state: Exclude<AuthState, "authorizing">;
  let tokens = snapshot.tokens;
  let reason: string | undefined;
  switch (event.type) {
    case "authorize":
      // A second authorize() while one is pending supersedes it (the user reopened the login).
      return { state: "authorizing", tokens, pending: event.pending, previous: settled, changedAt: now };
    case "authorized":
      if (!pending) illegal(from, event.type, "call authorize() first");
      return { state: "authenticated", tokens: event.tokens, changedAt: now };
    case "authorization_failed":
      if (!pending) illegal(from, event.type, "call authorize() first");
      return { state: settled, tokens, reason: event.reason, changedAt: now };
    case "logout":
      return { state: "unauthenticated", tokens: null, changedAt: now };
    case "refreshed":
      if (settled !== "authenticated") illegal(from, event.type, "log in first");
      state = "authenticated";
      tokens = event.tokens;
      break;
    case "expired":
      if (settled !== "authenticated") illegal(from, event.type, "log in first");
      state = "expired";
      tokens = event.tokens ?? tokens;
      reason = event.reason;
      break;
    case "loaded":
      state = deriveState(event.tokens, now);
      tokens = event.tokens;
      reason = expiryReason(tokens, now);
  }
  // A login in progress goes on: what happened decides where a failed one returns to.
  const next: AuthSnapshot = pending ? { ...snapshot, tokens, previous: state, changedAt: now } : { state, tokens, changedAt: now };
  if (reason !== undefined) next.reason = reason;
  return next;
}

/**
 * The state a store record means at time `now`: no record → unauthenticated; a refresh the server
 * rejected, or a dead access token with no live refresh token → expired; else authenticated.
 *
 * @example
 * ```ts
 * deriveState(await store.load(), Date.now()); // "authenticated"
 * ```
 */
export function deriveState(tokens: StoredTokens | null, now: number): Exclude<AuthState, "authorizing"> {
  if (!tokens) return "unauthenticated";
  // Rejected; or the access token dead with no live refresh token to renew it. Schwab states no
  // refresh-token lifetime: its 7 days are our estimate, which the server keeps loosely (sooner
  // or later), so past it only the server's refusal ends the session.
  const refreshDead = tokens.provider !== "schwab" && now >= (tokens.refreshExpiresAt ?? Infinity);
  const dead = tokens.expired || (now >= tokens.accessExpiresAt && (!tokens.refreshToken || refreshDead));
  return dead ? "expired" : "authenticated";
}

/**
 * Why a record is expired, in words a user can act on; undefined when it is not expired.
 * @example
 * ```ts
 * expiryReason(tokens, Date.now()); // "the refresh token expired at 2026-12-05T09:00:00.000Z"
 * ```
 */
export function expiryReason(tokens: StoredTokens | null, now: number): string | undefined {
  if (!tokens || deriveState(tokens, now) !== "expired") return undefined;
  if (tokens.expired) return tokens.expired.reason;
  if (!tokens.refreshToken) return "the access token expired, and there is no refresh token";
  return `the refresh token expired at ${new Date(tokens.refreshExpiresAt ?? now).toISOString()}`;
}

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
  state: string;
  codeVerifier?: string;
  redirectURI: string;
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
  state: AuthState;
  tokens: StoredTokens | null;
  /** While authorizing: the login in progress. */
  pending?: PendingAuthorization;
  /** While authorizing: the state to return to when the login fails. */
  previous?: Exclude<AuthState, "authorizing">;
  /** Why the session is expired or why the last login failed. */
  reason?: string;
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
  switch (event.type) {
    case "authorize": {
      // A second authorize() while one is pending supersedes it (the user reopened the login).
      const previous = from === "authorizing" ? (snapshot.previous ?? "unauthenticated") : from;
      return { state: "authorizing", tokens: snapshot.tokens, pending: event.pending, previous, changedAt: now };
    }
    case "authorized":
      if (from !== "authorizing") illegal(from, event.type, "no login is pending; call authorize() first");
      return { state: "authenticated", tokens: event.tokens, changedAt: now };
    case "authorization_failed": {
      if (from !== "authorizing") illegal(from, event.type, "no login is pending");
      const back = snapshot.previous ?? "unauthenticated";
      return { state: back, tokens: snapshot.tokens, reason: event.reason, changedAt: now };
    }
    case "refreshed":
      if (from === "authenticated") return { state: "authenticated", tokens: event.tokens, changedAt: now };
      if (from === "authorizing" && snapshot.previous === "authenticated") {
        return { ...snapshot, tokens: event.tokens, changedAt: now };
      }
      return illegal(from, event.type, "only an authenticated session can be refreshed; log in first");
    case "expired": {
      const tokens = event.tokens ?? snapshot.tokens;
      if (from === "authenticated") return { state: "expired", tokens, reason: event.reason, changedAt: now };
      if (from === "authorizing" && snapshot.previous === "authenticated") {
        return { ...snapshot, tokens, previous: "expired", reason: event.reason, changedAt: now };
      }
      return illegal(from, event.type, "only an authenticated session can expire");
    }
    case "logout":
      return { state: "unauthenticated", tokens: null, changedAt: now };
    case "loaded": {
      const state = deriveState(event.tokens, now);
      // A login in progress goes on; the record decides where a failed one returns to.
      if (from === "authorizing") return { ...snapshot, tokens: event.tokens, previous: state, changedAt: now };
      const reason = expiryReason(event.tokens, now);
      return reason === undefined
        ? { state, tokens: event.tokens, changedAt: now }
        : { state, tokens: event.tokens, reason, changedAt: now };
    }
  }
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
  if (tokens.expired) return "expired";
  if (now < tokens.accessExpiresAt) return "authenticated";
  if (!tokens.refreshToken) return "expired";
  if (tokens.refreshExpiresAt !== undefined && now >= tokens.refreshExpiresAt) return "expired";
  return "authenticated";
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
  if (!tokens.refreshToken) return "the access token expired and the server issued no refresh token";
  return `the refresh token expired at ${new Date(tokens.refreshExpiresAt ?? now).toISOString()}`;
}

// The shapes AuthSession takes and reports: options, status, events.

import type { PendingAuthorization } from "./state_machine.ts";
import type { Provider } from "./provider.ts";
import type { RandomSource } from "./_random.ts";
import type { RetryOptions } from "./token_request.ts";
import type { AuthState, Lock, StoredTokens, TokenStore } from "./types.ts";

/**
 * Options of {@link AuthSession}.
 * @example
 * ```ts
 * const options: AuthSessionOptions = { provider, store: new FileStore(), lock: new FileLock(path + ".lock") };
 * ```
 */
export interface AuthSessionOptions {
  /** The profile to log in to: `tdAmeritrade()`, `schwab()` or `oauth2()`. */
  provider: Provider;
  /** Default: a new `MemoryStore`. */
  store?: TokenStore;
  /**
   * Default: the store's own (`store.defaultLock()`: a `FileStore` brings a `FileLock` beside its
   * file), else an in-process lock shared by the sessions of this process on the same store
   * location (`store.lockKey`).
   */
  lock?: Lock;
  /** Sends the token requests and the API calls of `session.fetch()`; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
  /** Fills bytes for `state` and the PKCE verifier; default WebCrypto. */
  random?: RandomSource;
  /**
   * Refresh this long before the access token dies; default 300 000 (5 min). Until `mustRefreshMs`
   * before its death, the token is still handed out while the refresh runs in the background.
   */
  refreshAheadMs?: number;
  /** In the last this-long of the access token's life, callers wait for the refresh; default 60 000 (1 min). */
  mustRefreshMs?: number;
  /** One token request is abandoned after this long (then retried within `retry.budgetMs`); default 10 000. */
  requestTimeoutMs?: number;
  /** Renew a renewable refresh token (TD) this long before it dies; default 5 days. */
  refreshTokenRenewAheadMs?: number;
  /** How long to wait for the lock; default 30 s, above `retry.budgetMs` so a hung holder gives up first. */
  lockTimeoutMs?: number;
  /** A pending login is refused after this long; default 300 000 (5 min). */
  authorizationTimeoutMs?: number;
  /**
   * A re-login is due this long before the refresh token dies (Schwab: 7 days after the login):
   * `status().reloginDue` and the `relogin_due` event; default 172 800 000 (48 h).
   */
  reloginWarnMs?: number;
  /**
   * Where this session's logins are made, kept in the record of each (no secrets): named when a
   * newer login elsewhere ends the session. E.g. `{ loginHost: os.hostname(), loginTool: "my-bot" }`.
   */
  loginOrigin?: Pick<StoredTokens, "loginHost" | "loginTool">;
  /** How transient token-endpoint failures (network errors, 5xx, 429) are retried. */
  retry?: RetryOptions;
  /** For tests: how to wait between retries. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * What `status()` reports. It never contains a token.
 * @example
 * ```ts
 * const { state, accessExpiresAt } = await session.status();
 * ```
 */
export interface SessionStatus {
  /** The state derived from what the store holds. */
  state: AuthState;
  /** The provider id, e.g. "schwab". */
  provider: string;
  /** Masked, e.g. "ABCD…WXYZ". */
  clientId: string;
  /** When the access token dies, epoch milliseconds. */
  accessExpiresAt?: number;
  /** When the refresh token is expected to die, epoch milliseconds; absent when unknown. */
  refreshExpiresAt?: number;
  /** When the interactive login behind these tokens happened, epoch milliseconds. */
  authorizedAt?: number;
  /** Why the session is expired. */
  reason?: string;
  /** True when the refresh token dies within `reloginWarnMs` (default 48 h): log in again before `reloginBy`. */
  reloginDue: boolean;
  /** When a login is needed at the latest: the refresh token's expected death (`refreshExpiresAt`). */
  reloginBy?: number;
  /**
   * True when `refreshExpiresAt` has passed and the session is still authenticated: Schwab's
   * 7-day cap is an estimate, so the next refresh is tried and only the server's refusal ends it.
   */
  refreshOverdue: boolean;
}

/**
 * What `subscribe` listeners receive: state changes; token updates (from this process or read
 * from the store after another process saved them); a background refresh that failed (the
 * token in hand still works; it is tried again after a backoff; a refresh token the server
 * rejected also brings `{ type: "state", state: "expired" }`); refreshed tokens the store
 * failed to save (they stay in use and the save is retried; reported once until a save works);
 * and, once per session, a re-login that is due (seen by `refresh()` or `status()`, within
 * `reloginWarnMs` of `refreshExpiresAt`).
 * @example
 * ```ts
 * session.subscribe((e) => { if (e.type === "state") console.log(e.previous, "→", e.state); });
 * ```
 */
export type SessionEvent =
  | { type: "state"; state: AuthState; previous: AuthState }
  | { type: "tokens"; tokens: StoredTokens }
  | { type: "refresh_failed"; error: unknown }
  | { type: "save_failed"; error: unknown }
  | { type: "relogin_due"; refreshExpiresAt: number };

/**
 * Options of {@link AuthSession.accessToken}.
 * @example
 * ```ts
 * await session.accessToken({ signal: AbortSignal.timeout(5_000) });
 * ```
 */
export interface AccessTokenOptions {
  /** Stops waiting for a refresh (rejecting with the signal's reason); the refresh itself stops when nobody else waits for it. */
  signal?: AbortSignal;
}

/**
 * Options of {@link AuthSession.refresh}.
 * @example
 * ```ts
 * await session.refresh({ force: true, signal: AbortSignal.timeout(5_000) });
 * ```
 */
export interface RefreshOptions extends AccessTokenOptions {
  /** Refresh even when the token is fresh. */
  force?: boolean;
  /** TD: also renew the 90-day refresh token (`access_type=offline`). */
  newRefreshToken?: boolean;
}

/** Options of {@link AuthSession.complete}. */
export interface CompleteOptions {
  /** A pending authorization kept elsewhere (e.g. an encrypted cookie), instead of this session's. */
  pending?: PendingAuthorization;
  /** TD: ask for a refresh token (`access_type=offline`); default true (the Python library's `return_refresh_token`). */
  offline?: boolean;
}

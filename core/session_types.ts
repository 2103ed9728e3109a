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
  provider: Provider;
  /** Default: a new `MemoryStore`. */
  store?: TokenStore;
  /** Default: an in-process lock shared by the sessions of this process on the same store. */
  lock?: Lock;
  fetch?: typeof fetch;
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
  /** Fills bytes for `state` and the PKCE verifier; default WebCrypto. */
  random?: RandomSource;
  /** Refresh this long before the access token dies; default 300 000 (5 min). */
  refreshAheadMs?: number;
  /** Renew a renewable refresh token (TD) this long before it dies; default 5 days. */
  refreshTokenRenewAheadMs?: number;
  /** How long to wait for the lock; default 30 s. */
  lockTimeoutMs?: number;
  /** A pending login is refused after this long; default 300 000 (5 min). */
  authorizationTimeoutMs?: number;
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
  state: AuthState;
  provider: string;
  /** Masked, e.g. "ABCD…WXYZ". */
  clientId: string;
  accessExpiresAt?: number;
  refreshExpiresAt?: number;
  authorizedAt?: number;
  /** Why the session is expired. */
  reason?: string;
  /** True when the refresh token dies within 48 hours: log in again soon. */
  refreshExpiresSoon: boolean;
}

/**
 * What `subscribe` listeners receive: state changes, and token updates (from this process or
 * read from the store after another process saved them).
 * @example
 * ```ts
 * session.subscribe((e) => { if (e.type === "state") console.log(e.previous, "→", e.state); });
 * ```
 */
export type SessionEvent =
  | { type: "state"; state: AuthState; previous: AuthState }
  | { type: "tokens"; tokens: StoredTokens };

/** Options of {@link AuthSession.complete}. */
export interface CompleteOptions {
  /** A pending authorization kept elsewhere (e.g. an encrypted cookie), instead of this session's. */
  pending?: PendingAuthorization;
  /** TD: ask for a refresh token (`access_type=offline`); default true (the Python library's `return_refresh_token`). */
  offline?: boolean;
}

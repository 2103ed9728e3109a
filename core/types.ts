/**
 * The small interfaces every adapter implements and the shapes the core passes around.
 * @module
 */

/** The four states of a session (see {@link transition}). */
export type AuthState = "unauthenticated" | "authorizing" | "authenticated" | "expired";

/**
 * What a {@link TokenStore} holds for one session. Times are epoch milliseconds.
 *
 * The state of a session is derived from this record alone, so every process sharing a store
 * agrees on it.
 *
 * @example
 * ```ts
 * const tokens: StoredTokens = {
 *   accessToken: "at", refreshToken: "rt", tokenType: "Bearer",
 *   accessExpiresAt: Date.now() + 1_800_000, refreshExpiresAt: Date.now() + 7 * 86_400_000,
 *   authorizedAt: Date.now(),
 * };
 * ```
 */
export interface StoredTokens {
  /** The bearer token sent with API calls. */
  accessToken: string;
  /** Absent when the server never issued one (then the session ends with the access token). */
  refreshToken?: string;
  /** Usually "Bearer". */
  tokenType: string;
  /** The scope the server granted, when it said (space-separated). */
  scope?: string;
  /** The OpenID Connect ID token, when the server issued one (kept, not verified). */
  idToken?: string;
  /** When the access token dies. */
  accessExpiresAt: number;
  /** When the access token was issued: the refresh-ahead window is capped at half its life. */
  accessIssuedAt?: number;
  /** When the refresh token dies; absent when neither the server nor the profile says. */
  refreshExpiresAt?: number;
  /** When the interactive login that started this grant happened (Schwab's 7-day clock). */
  authorizedAt: number;
  /** Provider id, e.g. "td-ameritrade", "schwab", "oauth2". */
  provider?: string;
  /** The client ID (app key) the tokens were issued to; the CLI falls back to it when none is configured. */
  clientId?: string;
  /**
   * The base URL the provider was pointed at when it is not the provider's own (a local
   * emulator), so that a later process can find the same server; never a secret.
   */
  baseURL?: string;
  /** The host name of the machine the login was made on (never a secret): named when a newer login ends this one. */
  loginHost?: string;
  /** The program that made the login ("tdauth 0.2.0 login"). */
  loginTool?: string;
  /**
   * Set when the server rejected the refresh token: the session is `expired` and the tokens are
   * kept only so that `status()` can say when and why.
   */
  expired?: { at: number; reason: string };
}

/**
 * Where a session's tokens live. `save` must replace the whole record atomically: a reader sees
 * the old record or the new one, never a mix.
 *
 * @example
 * ```ts
 * const store: TokenStore = new MemoryStore();
 * await store.save(tokens);
 * const again = await store.load();
 * ```
 */
export interface TokenStore {
  /** The stored record, or null when nothing is stored. */
  load(): Promise<StoredTokens | null>;
  /** Replaces the stored record with `tokens`, atomically. */
  save(tokens: StoredTokens): Promise<void>;
  /** Removes the stored record (logout); `load()` then resolves with null. */
  clear(): Promise<void>;
  /** The file the tokens are kept in, when the store is a file: what belongs with them (the loopback certificate) goes beside it. */
  readonly path?: string;
  /**
   * Where the tokens really are (a file's real path, a KV key): sessions of one process whose
   * stores have the same `lockKey` share one in-process lock, so they never refresh twice.
   */
  readonly lockKey?: string;
  /** The lock a session on this store uses when none is given (a `FileStore`: a `FileLock` beside its file). */
  defaultLock?(): Lock;
}

/** Releases a held lock. Calling it twice is harmless. */
export type Release = () => Promise<void>;

/** Options of {@link Lock.acquire}. */
export interface LockAcquireOptions {
  /** Give up when this signal aborts (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Give up after this long with a `LockTimeoutError`. */
  timeoutMs?: number;
}

/**
 * A mutual-exclusion lock shared by everything that refreshes one session: in-process
 * (`InProcessLock`), across processes (`FileLock`) or machines (`RedisLock`, `KvLock`).
 *
 * @example
 * ```ts
 * const release = await lock.acquire({ timeoutMs: 10_000 });
 * try { await refresh(); } finally { await release(); }
 * ```
 */
export interface Lock {
  /** Waits until the lock is held and resolves with the function that releases it. */
  acquire(options?: LockAcquireOptions): Promise<Release>;
}

/** The fields of an RFC 6749 §5.1 token response that tdauth reads. */
export interface TokenResponse {
  /** The access token itself. */
  access_token: string;
  /** Usually "Bearer"; tdauth assumes "Bearer" when absent. */
  token_type?: string;
  /** Seconds until the access token expires. */
  expires_in: number;
  /** A refresh token; a refresh reply without one keeps the old one in use. */
  refresh_token?: string;
  /** TD Ameritrade states the refresh token's lifetime; Schwab does not. */
  refresh_token_expires_in?: number;
  /** The scope granted, space-separated, when it differs from the one requested (RFC 6749 §5.1). */
  scope?: string;
  /** An OpenID Connect ID token, when the server sends one. */
  id_token?: string;
}

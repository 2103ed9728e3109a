/**
 * `AuthSession`: the one object a program holds to get valid bearer tokens. It logs in, stores
 * tokens, refreshes them ahead of expiry at most once per expiry across every process sharing
 * its store and lock (in the background while the token still has time, waiting only in its last
 * minute), and retries an API call once after a 401.
 * @module
 */

import { AuthorizationError } from "./errors.ts";
import { InProcessLock, withLock } from "./in_process_lock.ts";
import { checkCallback } from "./callback_check.ts";
import { parseCallback } from "./callback.ts";
import { MemoryStore } from "./memory_store.ts";
import { defined, type Provider, type TokenGrant } from "./provider.ts";
import type {
  AccessTokenOptions,
  AuthSessionOptions,
  CompleteOptions,
  RefreshOptions,
  SessionEvent,
  SessionStatus,
} from "./session_types.ts";
import { codeChallengeS256, randomString } from "./_random.ts";
import { expiredError, refusalReason, sessionStatus } from "./_session_report.ts";
import { apiAuthError, apiRequest, withBearer } from "./_api_auth.ts";
import { type RefreshRequest, SESSION_DEFAULTS, type SessionSettings } from "./_session_settings.ts";
import { abortable } from "./_abortable.ts";
import { Listeners } from "./_listeners.ts";
import { type AuthEvent, type AuthSnapshot, deriveState, type PendingAuthorization, transition } from "./state_machine.ts";
import { freshUntil, isFresh, mustRefreshAt, needsRenewal } from "./freshness.ts";
import { requestToken } from "./token_request.ts";
import { tokensFromResponse } from "./token_response.ts";
import { outcomeOf } from "./token_errors.ts";
import type { AuthState, Lock, StoredTokens, TokenStore } from "./types.ts";

export type { AccessTokenOptions, AuthSessionOptions, CompleteOptions, RefreshOptions, SessionEvent, SessionStatus };

/**
 * Holds one OAuth session.
 *
 * @example
 * ```ts
 * const session = new AuthSession({ provider: schwab({ clientId, clientSecret, redirectURI }) });
 * const { url } = await session.authorize();
 * console.log("Open", url);
 * await session.complete(prompt("Paste the redirect URL:")!);
 * const res = await session.fetch("https://api.schwabapi.com/trader/v1/accounts");
 * ```
 */
export class AuthSession {
  /** The provider profile this session logs in to and refreshes with. */
  readonly provider: Provider;
  // Only this class reads or writes the store: every change of what it holds goes through the
  // state machine here, and callers ask the methods below for what they need.
  #store: TokenStore;
  #lock: Lock;
  /** The options with their defaults: also what the refresh decisions and token requests read. */
  #o: SessionSettings;
  #snap: AuthSnapshot;
  #listeners = new Listeners<SessionEvent>();
  #flight: Promise<StoredTokens> | undefined;
  // Until when the snapshot's token needs no refresh, worked out whenever the snapshot changes
  // (#setSnap), so a call with a fresh token is one clock read and one comparison.
  #freshUntil = -Infinity;
  // From here on callers wait for the refresh (the mandatory window); before it, from
  // #freshUntil, the token is handed out while one refresh runs in the background.
  #mustAt = -Infinity;
  // A failed background refresh is not tried again before this (a doubling backoff).
  #retryAt = -Infinity;
  #failures = 0;
  // Tokens a refresh got that the store failed to save (disk full, read-only): the session's
  // record, in use, until a save on a later call works. A rotated refresh token is never dropped.
  #unsaved: StoredTokens | undefined;
  #saveError: unknown;
  // The token that still got 401 after a refresh made it: its 401s make no more token requests.
  #denied: string | undefined;
  // Whether relogin_due was emitted: once per session.
  #dueTold = false;

  /** Makes a session: nothing is read from the store or sent until a method needs it. Throws `TypeError` without a provider. */
  constructor(options: AuthSessionOptions) {
    const provider = options?.provider;
    if (typeof provider?.tokenRequest !== "function") {
      throw new TypeError("provider is required: tdAmeritrade(), schwab() or oauth2().");
    }
    this.provider = provider;
    // An option given as undefined takes its default, as an absent one does.
    const o = this.#o = { ...SESSION_DEFAULTS, ...defined(options), renewsRefreshToken: provider.renewsRefreshToken } as SessionSettings;
    this.#store = o.store ?? new MemoryStore();
    // Sessions on one store location share a lock: the store's own (a FileStore's FileLock), else
    // one in-process lock per location, so two FileStores on one file never refresh twice.
    this.#lock = o.lock ?? this.#store.defaultLock?.() ?? InProcessLock.for(this.#store.lockKey ?? this.#store);
    this.#snap = { state: "unauthenticated", tokens: null, changedAt: o.now() };
  }

  /** Refresh this long before the access token dies (`refreshAheadMs`, default 5 min). */
  get refreshAheadMs(): number {
    return this.#o.refreshAheadMs;
  }

  /** The state as of the last read of the store (`status()` reads it again). */
  get state(): AuthState {
    return this.#snap.state;
  }

  /** The file the tokens are kept in, when the store is one (a `FileStore`): related files go beside it. */
  get storePath(): string | undefined {
    return this.#store.path;
  }

  /**
   * Starts a login: makes the authorization URL with a fresh `state` (256 bits) and, where the
   * provider takes it, a PKCE S256 challenge. Open `url` in a browser.
   */
  async authorize(): Promise<{ url: string; state: string }> {
    await this.#read();
    const state = randomString(this.#o.random);
    const pending: PendingAuthorization = { state, redirectURI: this.provider.redirectURI, createdAt: this.#o.now() };
    let codeChallenge: string | undefined;
    if (this.provider.usesPKCE) {
      pending.codeVerifier = randomString(this.#o.random);
      codeChallenge = await codeChallengeS256(pending.codeVerifier);
    }
    const url = this.provider.authorizationURL({ state, codeChallenge });
    this.#apply({ type: "authorize", pending });
    return { url: url.href, state };
  }

  /** The login in progress, to keep elsewhere (a Worker's encrypted cookie); holds the PKCE verifier. */
  pendingAuthorization(): PendingAuthorization | undefined {
    return this.#snap.pending ? { ...this.#snap.pending } : undefined;
  }

  /**
   * Completes a login with what the browser landed on: a full redirect URL (checked against the
   * pending `state`) or a bare code pasted by hand. Exchanges the code and saves the tokens. A URL
   * with another state (or none) is refused with `AuthorizationError` and the login keeps waiting.
   * When the store fails to save the new tokens, they stay in use (the next call saves them) and
   * this throws the store's error.
   */
  async complete(callback: string, options: CompleteOptions = {}): Promise<SessionStatus> {
    const parsed = parseCallback(callback);
    // A login kept elsewhere (a Worker's cookie) becomes this session's pending one.
    if (options.pending) this.#apply({ type: "authorize", pending: options.pending });
    // Only an authorizing snapshot holds a pending login (the machine drops it on every way out).
    const verdict = checkCallback(parsed, this.#snap.pending, this.provider, this.#o.now(), this.#o.authorizationTimeoutMs);
    // A callback that is not this login's leaves it waiting: the real one may still come.
    if ("foreign" in verdict) throw new AuthorizationError(verdict.foreign);
    if ("failure" in verdict) {
      this.#apply({ type: "authorization_failed", reason: verdict.failure });
      throw new AuthorizationError(verdict.failure, { error: verdict.error });
    }
    const pending = this.#snap.pending!;
    let tokens: StoredTokens;
    try {
      tokens = await this.#request({
        grantType: "authorization_code",
        code: verdict.code,
        codeVerifier: pending.codeVerifier,
        offline: options.offline,
      });
    } catch (error) {
      this.#apply({ type: "authorization_failed", reason: String(error) });
      throw error;
    }
    // Under the lock, so that no refresh of the old grant elsewhere overwrites it; in use even unsaved.
    await this.#withLock(() => this.#keep(tokens, "authorized"));
    return this.#report();
  }

  /**
   * A valid access token. A fresh one costs no I/O. Within `refreshAheadMs` of its death it is
   * still returned at once while one refresh runs in the background (a failure emits
   * `refresh_failed` and is retried after a backoff); within `mustRefreshMs`, or when it is dead,
   * the call waits for the refresh and its error. Throws `TknExpError` when the user must log in.
   */
  async accessToken(options?: AccessTokenOptions): Promise<string> {
    const now = this.#o.now();
    // #freshUntil and #mustAt are -Infinity without tokens, so tokens exist past these checks.
    if (now < this.#freshUntil) return this.#snap.tokens!.accessToken;
    if (now < this.#mustAt) {
      if (!this.#flight && now >= this.#retryAt) this.#background();
      return this.#snap.tokens!.accessToken;
    }
    return (await this.#refreshShared({ seen: this.#snap.tokens?.accessToken, signal: options?.signal })).accessToken;
  }

  /**
   * Refreshes now if needed (or always, with `force`) and waits for it (also for one running in the
   * background): what a short-lived program calls before it exits. `newRefreshToken` also
   * renews a renewable refresh token (TD's `access_type=offline`). When the store fails to save
   * the new tokens, they stay in use and this throws the store's error.
   */
  async refresh(options: RefreshOptions = {}): Promise<SessionStatus> {
    await this.#read();
    const renew = options.newRefreshToken === true;
    const force = renew || options.force === true;
    // Fresh as stored (and saved): nothing to do, and no lock to take.
    if (force || this.#o.now() >= this.#freshUntil) {
      await this.#refreshShared({ force, renew, seen: this.#snap.tokens?.accessToken, signal: options.signal });
    }
    return this.#report();
  }

  /**
   * `fetch` with `Authorization: Bearer`. On a 401 it takes a newer token another process saved,
   * or forces one refresh, and retries once. A second 401 throws `APIAuthError`, and so does every
   * later 401 with that token, with no token request, until the token changes. Relative URLs
   * resolve against the provider's API base. `init.signal` also ends a refresh it waits for.
   */
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = apiRequest(this.provider, input, init);
    const signal = init?.signal as AbortSignal | undefined;
    let token = await this.accessToken({ signal });
    let response = await this.#o.fetch(withBearer(request.clone(), token));
    if (response.status === 401 && token !== this.#denied) {
      await response.body?.cancel();
      // Under the lock the store is read again: a token another process saved meanwhile is taken as it is.
      token = (await this.#refreshShared({ force: true, seen: token, signal })).accessToken;
      response = await this.#o.fetch(withBearer(request, token));
      if (response.status === 401) this.#denied = token;
    }
    if (response.status !== 401) return response;
    throw apiAuthError(this.provider, request, token, await response.text());
  }

  /** The state and expiries, read from the store now. No tokens. */
  async status(): Promise<SessionStatus> {
    await this.#read();
    return this.#status();
  }

  /**
   * The stored record, read now (another process may have changed it); null when nobody is
   * logged in. It holds the tokens: hand it only to what needs them.
   */
  tokens(): Promise<StoredTokens | null> {
    return this.#read();
  }

  /** Stores tokens obtained elsewhere (under the lock), replacing what the store holds. */
  async saveTokens(tokens: StoredTokens): Promise<void> {
    await this.#withLock(() => this.#save(tokens));
    this.#observe(tokens);
  }

  /** Clears the store (under the lock) and forgets any pending login. */
  async logout(): Promise<void> {
    await this.#withLock(() => this.#store.clear());
    this.#unsaved = undefined;
    this.#apply({ type: "logout" });
  }

  /** Calls `listener` on each state change and token update; returns the unsubscribe function. */
  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The advisory window's refresh: nobody waits for it; a failure is reported and backed off. */
  #background(): void {
    this.#refreshShared({}).then(
      () => void (this.#failures = 0),
      (error: unknown) => {
        // 2 s, doubling to 32 s: the token in hand still works, and the mandatory window comes.
        this.#retryAt = this.#o.now() + 2_000 * 2 ** Math.min(this.#failures++, 4);
        this.#listeners.emit({ type: "refresh_failed", error });
      },
    );
  }

  /**
   * Single flight: concurrent callers in this process share one refresh (and its failure). A
   * caller's signal ends its own wait; the refresh goes on for the others, bounded by
   * `requestTimeoutMs` and `retry.budgetMs`.
   */
  #refreshShared(options: RefreshRequest): Promise<StoredTokens> {
    return abortable(options.signal, async () => {
      for (let current = this.#flight; current; current = this.#flight) {
        if (!options.force) return await current;
        // A forced refresh (after a 401) is satisfied by any refresh that replaced the token it saw.
        const result = await current.catch(() => undefined);
        if (result && result.accessToken !== options.seen) return result;
      }
      const run: Promise<StoredTokens> = this.#refreshUnderLock(options).finally(() => {
        if (this.#flight === run) this.#flight = undefined;
      });
      this.#flight = run;
      return await run;
    });
  }

  /** Lock → re-read → refresh only if still needed → save → release. */
  #refreshUnderLock(options: RefreshRequest): Promise<StoredTokens> {
    return this.#withLock(async () => {
      const stored = await this.#read();
      const now = this.#o.now();
      if (!stored || deriveState(stored, now) === "expired") throw expiredError(this.provider, stored, now);
      if (this.#unsaved) await this.#save(stored).catch(() => undefined);
      if (!options.force && isFresh(stored, now, this.#o)) return stored;
      // Another process refreshed since we looked: its token is as good as a new one.
      if (options.seen !== undefined && stored.accessToken !== options.seen && now < stored.accessExpiresAt && !options.renew) {
        return stored;
      }
      if (!stored.refreshToken) return stored;
      return await this.#grant(stored, options.renew === true || needsRenewal(stored, now, this.#o));
    });
  }

  /** Sends the refresh grant of `stored` and keeps what it brings; `again` after a dead reply. */
  async #grant(stored: StoredTokens, renew: boolean, again?: boolean): Promise<StoredTokens> {
    let next: StoredTokens;
    try {
      next = await this.#request({ grantType: "refresh_token", refreshToken: stored.refreshToken!, renewRefreshToken: renew }, stored);
    } catch (error) {
      const outcome = outcomeOf(error);
      // A refused reply may come after the server rotated: its new refresh token is kept.
      if (outcome?.kind === "invalid" && outcome.refreshToken) {
        await this.#keep({ ...stored, refreshToken: outcome.refreshToken });
      }
      if (outcome?.kind !== "rejected" || !outcome.grantDead) throw error;
      // A process outside this lock (another tool, a login elsewhere) may have saved a new grant,
      // which is why ours died: use it rather than end the session.
      const current = await this.#read();
      if (!again && current?.refreshToken && current.refreshToken !== stored.refreshToken && !current.expired) {
        return this.#grant(current, renew, true);
      }
      const reason = refusalReason(this.provider, stored, outcome.error, this.#o.now());
      // Kept, marked, so that every process sharing the store (and status()) knows why; in
      // memory at least, when the store cannot take it.
      const marked: StoredTokens = { ...stored, expired: { at: this.#o.now(), reason } };
      await this.#save(marked).catch(() => void (this.#unsaved = marked));
      this.#apply({ type: "expired", reason, tokens: marked });
      throw expiredError(this.provider, marked, this.#o.now(), error);
    }
    await this.#keep(next);
    return next;
  }

  /** Sends a grant and reads what to store from the reply: a refresh of `previous`, or a login (recorded as made here). */
  async #request(grant: TokenGrant, previous?: StoredTokens): Promise<StoredTokens> {
    const response = await requestToken(grant, this.#o);
    return tokensFromResponse(response, { now: this.#o.now(), provider: this.provider, previous, origin: this.#o.loginOrigin });
  }

  /**
   * Saves refreshed (or a login's) tokens and takes them in. A failed save loses nothing: they stay
   * in use, the next call saves them again, and the failure is reported once (`save_failed`).
   */
  async #keep(next: StoredTokens, type: "refreshed" | "authorized" = "refreshed"): Promise<void> {
    await this.#save(next).catch((error: unknown) => {
      if (!this.#unsaved) this.#listeners.emit({ type: "save_failed", error });
      this.#unsaved = next;
      this.#saveError = error;
    });
    this.#apply({ type, tokens: next });
    this.#listeners.emit({ type: "tokens", tokens: next });
  }

  async #save(tokens: StoredTokens): Promise<void> {
    await this.#store.save(tokens);
    this.#unsaved = undefined;
    this.#setSnap(this.#snap);
  }

  #withLock<T>(work: () => Promise<T>): Promise<T> {
    return withLock(this.#lock, this.#o.lockTimeoutMs, work);
  }

  async #read(): Promise<StoredTokens | null> {
    // Unsaved tokens are newer than anything the store holds: the save that failed was of them.
    const stored = this.#unsaved ?? await this.#store.load();
    this.#observe(stored);
    return stored;
  }

  /**
   * Takes in what the store holds, which another process may have changed, through the machine:
   * a record that now means expired (the clock passed its refresh token) is the expired transition.
   */
  #observe(stored: StoredTokens | null): void {
    const old = this.#snap.tokens;
    this.#apply({ type: "loaded", tokens: stored });
    if (stored && stored.accessToken !== old?.accessToken) this.#listeners.emit({ type: "tokens", tokens: stored });
  }

  #setSnap(snap: AuthSnapshot): void {
    const t = snap.tokens;
    this.#snap = snap;
    // Unsaved tokens are never fresh: the next call tries the save again.
    this.#freshUntil = t && !this.#unsaved ? freshUntil(t, this.#o) : -Infinity;
    this.#mustAt = t ? mustRefreshAt(t, this.#o) : -Infinity;
  }

  #apply(event: AuthEvent): void {
    const before = this.state;
    this.#setSnap(transition(this.#snap, event, this.#o.now()));
    if (this.state !== before) this.#listeners.emit({ type: "state", state: this.state, previous: before });
  }

  /** The status after a refresh or a login, or the store's error when it could not save what they got. */
  #report(): SessionStatus {
    if (this.#unsaved) throw this.#saveError;
    return this.#status();
  }

  /** The status, not on the hot path: where a due re-login is seen and told once. */
  #status(): SessionStatus {
    const status = sessionStatus(this.#snap, this.provider, this.#o.now(), this.#o.reloginWarnMs);
    if (status.reloginDue && !this.#dueTold) {
      this.#dueTold = true;
      this.#listeners.emit({ type: "relogin_due", refreshExpiresAt: status.reloginBy! });
    }
    return status;
  }
}

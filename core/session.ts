/**
 * `AuthSession`: the one object a program holds to get valid bearer tokens. It logs in, stores
 * tokens, refreshes them ahead of expiry at most once per expiry across every process sharing
 * its store and lock, and retries an API call once after a 401.
 * @module
 */

import { AuthorizationError, TknExpError } from "./errors.ts";
import { InProcessLock } from "./in_process_lock.ts";
import { checkCallback } from "./callback_check.ts";
import { parseCallback } from "./callback.ts";
import { MemoryStore } from "./memory_store.ts";
import { joinURL, type Provider } from "./provider.ts";
import type { AuthSessionOptions, CompleteOptions, SessionEvent, SessionStatus } from "./session_types.ts";
import { codeChallengeS256, cryptoRandom, type RandomSource, randomString } from "./_random.ts";
import { maskId } from "./_redact.ts";
import { type AuthEvent, type AuthSnapshot, deriveState, expiryReason, type PendingAuthorization, transition } from "./state_machine.ts";
import { freshUntil, isFresh, needsRenewal, type RefreshPolicy } from "./freshness.ts";
import { requestToken, type TokenRequestContext } from "./token_request.ts";
import { isDeadGrantError, tokensFromResponse } from "./token_response.ts";
import type { AuthState, Lock, StoredTokens, TokenStore } from "./types.ts";

export type { AuthSessionOptions, CompleteOptions, SessionEvent, SessionStatus };

const DAY = 86_400_000;

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
  readonly provider: Provider;
  readonly refreshAheadMs: number;
  // Only this class reads or writes the store: every change of what it holds goes through the
  // state machine here, and callers ask the methods below for what they need.
  #store: TokenStore;
  #lock: Lock;
  #fetch: typeof fetch;
  #now: () => number;
  #random: RandomSource;
  #policy: RefreshPolicy;
  #lockTimeoutMs: number;
  #authorizationTimeoutMs: number;
  /** What every token request of this session is sent with. */
  #context: TokenRequestContext;
  #snap: AuthSnapshot;
  #listeners = new Set<(event: SessionEvent) => void>();
  #inflight: Promise<StoredTokens> | undefined;
  // Until when the snapshot's token needs no refresh, worked out whenever the snapshot changes
  // (#setSnap), so a call with a fresh token is one clock read and one comparison.
  #freshUntil = -Infinity;

  constructor(options: AuthSessionOptions) {
    if (!options?.provider || typeof options.provider.tokenRequest !== "function") {
      throw new TypeError("provider is required: tdAmeritrade({...}), schwab({...}) or oauth2({...}).");
    }
    this.provider = options.provider;
    this.#store = options.store ?? new MemoryStore();
    this.#lock = options.lock ?? InProcessLock.for(this.#store);
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? cryptoRandom;
    this.refreshAheadMs = options.refreshAheadMs ?? 300_000;
    this.#policy = {
      refreshAheadMs: this.refreshAheadMs,
      renewAheadMs: options.refreshTokenRenewAheadMs ?? 5 * DAY,
      renewsRefreshToken: this.provider.renewsRefreshToken,
    };
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
    this.#authorizationTimeoutMs = options.authorizationTimeoutMs ?? 300_000;
    this.#context = {
      provider: this.provider,
      fetch: this.#fetch,
      now: this.#now,
      random: () => this.#random(new Uint8Array(1))[0]! / 256,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      retry: options.retry,
    };
    this.#snap = { state: "unauthenticated", tokens: null, changedAt: this.#now() };
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
    const state = randomString(this.#random);
    const pending: PendingAuthorization = { state, redirectURI: this.provider.redirectURI, createdAt: this.#now() };
    let codeChallenge: string | undefined;
    if (this.provider.usesPKCE) {
      pending.codeVerifier = randomString(this.#random);
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
   */
  async complete(callback: string, options: CompleteOptions = {}): Promise<SessionStatus> {
    const parsed = parseCallback(callback);
    // A login kept elsewhere (a Worker's cookie) becomes this session's pending one.
    if (options.pending) this.#apply({ type: "authorize", pending: options.pending });
    // Only an authorizing snapshot holds a pending login (the machine drops it on every way out).
    const verdict = checkCallback(parsed, this.#snap.pending, this.provider, this.#now(), this.#authorizationTimeoutMs);
    // A callback that is not this login's leaves it waiting: the real one may still come.
    if ("foreign" in verdict) throw new AuthorizationError(verdict.foreign);
    if ("failure" in verdict) {
      this.#apply({ type: "authorization_failed", reason: verdict.failure });
      throw new AuthorizationError(verdict.failure, { error: verdict.error });
    }
    const pending = this.#snap.pending!;
    let tokens: StoredTokens;
    try {
      const response = await requestToken(
        { grantType: "authorization_code", code: verdict.code, codeVerifier: pending.codeVerifier, offline: options.offline },
        this.#context,
      );
      tokens = tokensFromResponse(response, { now: this.#now(), provider: this.provider });
    } catch (error) {
      this.#apply({ type: "authorization_failed", reason: error instanceof Error ? error.message : "exchange failed" });
      throw error;
    }
    // Under the lock, so a refresh of the old grant in another process cannot overwrite the new login.
    await this.#withLock(() => this.#store.save(tokens));
    this.#apply({ type: "authorized", tokens });
    this.#emit({ type: "tokens", tokens });
    return this.#status();
  }

  /**
   * A valid access token, refreshed first when it is within `refreshAheadMs` of dying. A fresh
   * token costs no I/O. Throws `TknExpError` when the user must log in.
   */
  async accessToken(): Promise<string> {
    // #freshUntil is -Infinity without tokens, so tokens exist past this check.
    if (this.#now() < this.#freshUntil) return this.#snap.tokens!.accessToken;
    return (await this.#refreshShared({ seen: this.#snap.tokens?.accessToken })).accessToken;
  }

  /**
   * Refreshes now if needed (or always, with `force`); `newRefreshToken` also renews a renewable
   * refresh token (TD's `access_type=offline`).
   */
  async refresh(options: { force?: boolean; newRefreshToken?: boolean } = {}): Promise<SessionStatus> {
    await this.#read();
    const renew = options.newRefreshToken === true;
    await this.#refreshShared({ force: renew || options.force === true, renew, seen: this.#snap.tokens?.accessToken });
    return this.#status();
  }

  /**
   * `fetch` with `Authorization: Bearer`. On a 401 it takes a newer token another process saved,
   * or forces one refresh, and retries once; a second 401 throws `TknExpError`. Relative URLs
   * resolve against the provider's API base.
   */
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const target = typeof input === "string" && !/^[a-z][a-z0-9+.-]*:/i.test(input) ? joinURL(this.provider.apiBaseURL, input) : input;
    const request = new Request(target, init);
    const token = await this.accessToken();
    const first = await this.#fetch(withBearer(request.clone(), token));
    if (first.status !== 401) return first;
    await first.body?.cancel();
    // Under the lock the store is read again: a token another process saved meanwhile is taken as it is.
    const next = (await this.#refreshShared({ force: true, seen: token })).accessToken;
    const second = await this.#fetch(withBearer(request, next));
    if (second.status === 401) {
      await second.body?.cancel();
      throw new TknExpError(
        `${this.provider.name} still answered 401 after a token refresh for ${request.method} ${new URL(request.url).pathname}: ` +
          "the app may lack API access (Schwab: add both API products to the app), or the session was revoked; log in again.",
        { status: 401 },
      );
    }
    return second;
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
    await this.#withLock(() => this.#store.save(tokens));
    this.#observe(tokens);
  }

  /** Clears the store (under the lock) and forgets any pending login. */
  async logout(): Promise<void> {
    await this.#withLock(() => this.#store.clear());
    this.#apply({ type: "logout" });
  }

  /** Calls `listener` on each state change and token update; returns the unsubscribe function. */
  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Single flight: concurrent callers in this process share one refresh (and its failure). */
  async #refreshShared(options: { force?: boolean; renew?: boolean; seen?: string | undefined }): Promise<StoredTokens> {
    for (let current = this.#inflight; current; current = this.#inflight) {
      if (!options.force) return current;
      // A forced refresh (after a 401) is satisfied by any refresh that replaced the token it saw.
      const result = await current.catch(() => undefined);
      if (result && result.accessToken !== options.seen) return result;
    }
    const run: Promise<StoredTokens> = this.#refreshUnderLock(options).finally(() => {
      if (this.#inflight === run) this.#inflight = undefined;
    });
    this.#inflight = run;
    return run;
  }

  /** Lock → re-read → refresh only if still needed → save → release. */
  #refreshUnderLock(options: { force?: boolean; renew?: boolean; seen?: string | undefined }): Promise<StoredTokens> {
    return this.#withLock(async () => {
      const stored = await this.#read();
      const now = this.#now();
      if (!stored) {
        throw new TknExpError(
          `Not logged in to ${this.provider.name}: no tokens are stored. Run \`tdauth login\` (or authorize() + complete()).`,
        );
      }
      if (deriveState(stored, now) === "expired") throw this.#expiredError(stored, now);
      if (!options.force && isFresh(stored, now, this.#policy)) return stored;
      // Another process refreshed since we looked: its token is as good as a new one.
      if (options.seen !== undefined && stored.accessToken !== options.seen && now < stored.accessExpiresAt && !options.renew) {
        return stored;
      }
      if (!stored.refreshToken) return stored;
      const renew = options.renew === true || needsRenewal(stored, now, this.#policy);
      let next: StoredTokens;
      try {
        const response = await requestToken(
          { grantType: "refresh_token", refreshToken: stored.refreshToken, renewRefreshToken: renew },
          this.#context,
        );
        next = tokensFromResponse(response, { now: this.#now(), provider: this.provider, previous: stored });
      } catch (error) {
        if (isDeadGrantError(error)) {
          const reason = `${this.provider.name} rejected the refresh token (${error.error})`;
          // Kept, marked, so that every process sharing the store (and status()) knows why.
          const marked: StoredTokens = { ...stored, expired: { at: this.#now(), reason } };
          await this.#store.save(marked);
          this.#apply({ type: "expired", reason, tokens: marked });
          throw this.#expiredError(marked, this.#now(), error);
        }
        throw error;
      }
      await this.#store.save(next);
      this.#apply({ type: "refreshed", tokens: next });
      this.#emit({ type: "tokens", tokens: next });
      return next;
    });
  }

  async #withLock<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.#lock.acquire({ timeoutMs: this.#lockTimeoutMs });
    try {
      return await work();
    } finally {
      // A failed release must not hide the work's own result or error; every lock frees
      // itself after its lease (staleMs / ttlMs) anyway.
      await release().catch(() => undefined);
    }
  }

  async #read(): Promise<StoredTokens | null> {
    const stored = await this.#store.load();
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
    if (stored && stored.accessToken !== old?.accessToken) this.#emit({ type: "tokens", tokens: stored });
  }

  #setSnap(snap: AuthSnapshot): void {
    this.#snap = snap;
    this.#freshUntil = snap.tokens ? freshUntil(snap.tokens, this.#policy) : -Infinity;
  }

  #apply(event: AuthEvent): void {
    const before = this.state;
    this.#setSnap(transition(this.#snap, event, this.#now()));
    if (this.state !== before) this.#emit({ type: "state", state: this.state, previous: before });
  }

  #emit(event: SessionEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not break token handling.
      }
    }
  }

  #expiredError(stored: StoredTokens, now: number, cause?: unknown): TknExpError {
    const reason = expiryReason(stored, now) ?? "the session expired";
    return new TknExpError(
      `The ${this.provider.name} session has expired: ${reason}. Log in again (\`tdauth login\`).`,
      { cause },
    );
  }

  #status(): SessionStatus {
    const t = this.#snap.tokens;
    const now = this.#now();
    const state = this.state;
    // Absent values are undefined keys, which JSON leaves out.
    return {
      state,
      provider: this.provider.id,
      clientId: maskId(this.provider.clientId),
      accessExpiresAt: t?.accessExpiresAt,
      refreshExpiresAt: t?.refreshExpiresAt,
      authorizedAt: t?.authorizedAt,
      reason: state === "expired" ? expiryReason(t, now) : undefined,
      // An authenticated session has tokens; a refresh token of unknown death is never "soon" (NaN).
      refreshExpiresSoon: state === "authenticated" && t!.refreshExpiresAt! - now < 2 * DAY,
    };
  }
}

function withBearer(request: Request, token: string): Request {
  const headers = new Headers(request.headers);
  headers.set("authorization", `Bearer ${token}`);
  return new Request(request, { headers });
}

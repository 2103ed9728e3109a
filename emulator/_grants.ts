// Authorization codes, grants and their tokens: the server-side memory that makes codes single-use and grants revocable.

import { schwabCode, schwabToken, tdCode, tdToken } from "./_random.ts";
import type { EmulatorStats } from "./types.ts";

/**
 * What an authorize request asked for; kept until the user decides, then carried by the code.
 *
 * @example
 * const request: AuthorizationRequest = { flavour: "td", clientId: "KEY", redirectURI: "https://127.0.0.1" };
 */
export interface AuthorizationRequest {
  flavour: "td" | "schwab";
  clientId: string;
  redirectURI: string;
  state?: string;
  codeChallenge?: string;
  scope?: string;
}

/**
 * One interactive login and everything issued from it; revoking it kills all its tokens.
 *
 * @example
 * if (grant.revoked) return unauthorized();
 */
export interface Grant {
  id: number;
  flavour: "td" | "schwab";
  clientId: string;
  loginAt: number;
  revoked: boolean;
  accessTokens: string[];
  refreshTokens: string[];
}

interface CodeRecord extends AuthorizationRequest {
  expiresAt: number;
  used: boolean;
  grantId?: number;
}

interface AccessRecord {
  grantId: number;
  expiresAt: number;
  superseded: boolean;
}

/**
 * A refresh token's server-side record.
 *
 * @example
 * if (record.rotatedOut) detectReuse();
 */
export interface RefreshRecord {
  grantId: number;
  expiresAt: number;
  rotatedOut: boolean;
}

/**
 * Why a code or refresh token was refused; the token routes map it onto each server's error body.
 *
 * @example
 * const why: Refusal = "expired";
 */
export type Refusal = "unknown" | "expired" | "used" | "revoked" | "reused" | "wrong_client" | "wrong_redirect" | "wrong_verifier";

/**
 * Holds pending authorizations, codes, grants and tokens; every method takes `now` so the clock stays injectable.
 *
 * @example
 * const store = new GrantStore(stats);
 * const code = store.issueCode(request, now, 300);
 */
export class GrantStore {
  readonly #stats: EmulatorStats;
  #pending = new Map<string, AuthorizationRequest & { expiresAt: number }>();
  #codes = new Map<string, CodeRecord>();
  #grants = new Map<number, Grant>();
  #access = new Map<string, AccessRecord>();
  #refresh = new Map<string, RefreshRecord>();
  #nextGrant = 1;

  constructor(stats: EmulatorStats) {
    this.#stats = stats;
  }

  /** Keeps an authorize request under a single-use nonce until the Allow/Deny form comes back. */
  savePending(nonce: string, request: AuthorizationRequest, expiresAt: number): void {
    this.#pending.set(nonce, { ...request, expiresAt });
  }

  /** Takes (and forgets) the request behind a nonce; undefined when unknown or stale. */
  takePending(nonce: string, now: number): AuthorizationRequest | undefined {
    const pending = this.#pending.get(nonce);
    this.#pending.delete(nonce);
    if (!pending || pending.expiresAt <= now) return undefined;
    const { expiresAt: _, ...request } = pending;
    return request;
  }

  /** Mints a code bound to the request's client, exact redirect URI and PKCE challenge. */
  issueCode(request: AuthorizationRequest, now: number, lifetimeS: number): string {
    this.#prune(now);
    const code = request.flavour === "td" ? tdCode() : schwabCode();
    this.#codes.set(code, { ...request, expiresAt: now + lifetimeS * 1000, used: false });
    return code;
  }

  /**
   * Redeems a code once. A replayed code is refused and, per RFC 6749 §4.1.2, the grant it produced is revoked.
   * A code is spent by any presentation from its own client, so it cannot be guessed at twice.
   */
  redeemCode(
    code: string,
    check: { flavour: "td" | "schwab"; clientId: string; redirectURI: string; verifierChallenge?: string },
    now: number,
  ): { ok: true; grant: Grant } | { ok: false; why: Refusal } {
    const record = this.#codes.get(code);
    if (!record || record.flavour !== check.flavour) return { ok: false, why: "unknown" };
    if (record.clientId !== check.clientId) return { ok: false, why: "wrong_client" };
    if (record.used) {
      if (record.grantId !== undefined) this.revokeGrant(record.grantId);
      return { ok: false, why: "used" };
    }
    record.used = true;
    if (record.expiresAt <= now) return { ok: false, why: "expired" };
    if (record.redirectURI !== check.redirectURI) return { ok: false, why: "wrong_redirect" };
    if (record.codeChallenge !== undefined && record.codeChallenge !== check.verifierChallenge) {
      return { ok: false, why: "wrong_verifier" };
    }
    const grant: Grant = {
      id: this.#nextGrant++,
      flavour: record.flavour,
      clientId: record.clientId,
      loginAt: now,
      revoked: false,
      accessTokens: [],
      refreshTokens: [],
    };
    this.#grants.set(grant.id, grant);
    record.grantId = grant.id;
    return { ok: true, grant };
  }

  /** Issues an access token; with `singleActive` the grant's earlier access tokens stop working (PROTOCOL A.9). */
  issueAccessToken(grant: Grant, now: number, lifetimeS: number, singleActive: boolean): string {
    if (singleActive) {
      for (const old of grant.accessTokens) {
        const record = this.#access.get(old);
        if (record) record.superseded = true;
      }
    }
    if (this.#access.size >= 10_000) this.#pruneTokens(now);
    const token = grant.flavour === "td" ? tdToken(600) : schwabToken();
    this.#access.set(token, { grantId: grant.id, expiresAt: now + lifetimeS * 1000, superseded: false });
    grant.accessTokens.push(token);
    return token;
  }

  /** Issues a refresh token that dies at `expiresAt`. */
  issueRefreshToken(grant: Grant, expiresAt: number): string {
    const token = grant.flavour === "td" ? tdToken(100) : schwabToken();
    this.#refresh.set(token, { grantId: grant.id, expiresAt, rotatedOut: false });
    grant.refreshTokens.push(token);
    this.#stats.refreshTokensIssued++;
    return token;
  }

  /** Marks a refresh token as replaced; presenting it again is a reuse. */
  rotateOut(token: string): void {
    const record = this.#refresh.get(token);
    if (record) record.rotatedOut = true;
  }

  /**
   * Looks up a refresh token for a refresh grant. A rotated-out token with `reuseDetection`
   * revokes the whole grant, because either the client or an attacker holds a stolen copy.
   * With `capFromLoginMs` the token dies that long after the grant's login, whatever it was issued with.
   */
  useRefreshToken(
    token: string,
    check: { flavour: "td" | "schwab"; clientId: string; now: number; reuseDetection: boolean; capFromLoginMs?: number },
  ): { ok: true; grant: Grant; record: RefreshRecord } | { ok: false; why: Refusal } {
    const record = this.#refresh.get(token);
    const grant = record ? this.#grants.get(record.grantId) : undefined;
    if (!record || !grant || grant.flavour !== check.flavour) return { ok: false, why: "unknown" };
    if (grant.clientId !== check.clientId) return { ok: false, why: "wrong_client" };
    if (grant.revoked) return { ok: false, why: "revoked" };
    if (record.rotatedOut) {
      if (check.reuseDetection) {
        this.#stats.reuseDetections++;
        this.revokeGrant(grant.id);
      }
      return { ok: false, why: "reused" };
    }
    const expiresAt = check.capFromLoginMs === undefined ? record.expiresAt : grant.loginAt + check.capFromLoginMs;
    if (expiresAt <= check.now) return { ok: false, why: "expired" };
    return { ok: true, grant, record };
  }

  /** The grant behind a usable access token of `flavour`, or undefined (unknown, expired, superseded, revoked). */
  checkAccessToken(token: string, flavour: "td" | "schwab", now: number): Grant | undefined {
    const record = this.#access.get(token);
    const grant = record ? this.#grants.get(record.grantId) : undefined;
    if (!record || !grant || grant.flavour !== flavour || grant.revoked) return undefined;
    if (record.superseded || record.expiresAt <= now) return undefined;
    return grant;
  }

  /** Revokes a grant and with it every token it issued; counted once. */
  revokeGrant(id: number): void {
    const grant = this.#grants.get(id);
    if (!grant || grant.revoked) return;
    grant.revoked = true;
    this.#stats.revokedGrants++;
  }

  /** Revokes every live grant of `clientId` but `keep`: a new login ends the user's other sessions. */
  revokeOtherGrants(flavour: "td" | "schwab", clientId: string, keep: number): void {
    for (const grant of this.#grants.values()) {
      if (grant.flavour === flavour && grant.clientId === clientId && grant.id !== keep) this.revokeGrant(grant.id);
    }
  }

  /** Forgets everything. */
  clear(): void {
    this.#pending.clear();
    this.#codes.clear();
    this.#grants.clear();
    this.#access.clear();
    this.#refresh.clear();
  }

  // A long-running demo emulator refreshes forever; dead access tokens only need to be told apart from unknown ones
  // (both answer 401), so forgetting them is invisible to clients.
  #pruneTokens(now: number): void {
    for (const [token, record] of this.#access) {
      if (record.expiresAt > now && !record.superseded) continue;
      this.#access.delete(token);
      const grant = this.#grants.get(record.grantId);
      if (grant) grant.accessTokens = grant.accessTokens.filter((t) => t !== token);
    }
  }

  // Old codes are kept an hour past expiry so a late replay can still revoke what the code produced.
  #prune(now: number): void {
    for (const [code, record] of this.#codes) if (record.expiresAt + 3_600_000 < now) this.#codes.delete(code);
    for (const [nonce, pending] of this.#pending) if (pending.expiresAt <= now) this.#pending.delete(nonce);
  }
}

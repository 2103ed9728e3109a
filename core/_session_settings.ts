// What an AuthSession runs with: its options with their defaults, in one object that is also what
// the refresh decisions (freshness.ts) and the token requests (token_request.ts) read.

import { MUST_REFRESH_MS, type RefreshPolicy } from "./freshness.ts";
import { DAY_MS } from "./provider.ts";
import { cryptoRandom } from "./_random.ts";
import type { AuthSessionOptions } from "./session_types.ts";
import type { TokenRequestContext } from "./token_request.ts";

/** The options that have a default. */
export interface Defaults {
  refreshAheadMs: number;
  mustRefreshMs: number;
  refreshTokenRenewAheadMs: number;
  lockTimeoutMs: number;
  authorizationTimeoutMs: number;
  reloginWarnMs: number;
  fetch: typeof fetch;
  now: () => number;
  random: (bytes: Uint8Array) => Uint8Array;
  sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1) from `random`, for the jitter of retries. */
  jitter(this: { random: (bytes: Uint8Array) => Uint8Array }): number;
}

/** Every option's default. */
export const SESSION_DEFAULTS: Defaults = {
  refreshAheadMs: 300_000,
  mustRefreshMs: MUST_REFRESH_MS,
  refreshTokenRenewAheadMs: 5 * DAY_MS,
  lockTimeoutMs: 30_000,
  authorizationTimeoutMs: 300_000,
  reloginWarnMs: 2 * DAY_MS,
  fetch: (input, init) => globalThis.fetch(input, init),
  now: Date.now,
  random: cryptoRandom,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  jitter() {
    return this.random(new Uint8Array(1))[0]! / 256;
  },
};

/**
 * The options with their defaults, as the session, the refresh decisions and the token requests
 * read them.
 */
export type SessionSettings = AuthSessionOptions & Defaults & RefreshPolicy & TokenRequestContext;

/** What one refresh is asked to do. */
export interface RefreshRequest {
  force?: boolean;
  renew?: boolean;
  /** The access token the caller had: any other valid one satisfies a forced refresh. */
  seen?: string | undefined;
  signal?: AbortSignal | undefined;
}

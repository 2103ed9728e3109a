// The acquire loop shared by KvLock and RedisLock: poll with jittered backoff until a deadline or
// an abort, then keep the lease alive with a heartbeat until the owner releases it.
import { LockTimeoutError } from "../../core/errors.ts";
import { randomHex } from "../../core/_random.ts";
import { abortReason, sleep } from "../../core/_sleep.ts";
import type { Release } from "../../core/types.ts";

/** One held lease, as the backend sees it. */
export interface Lease {
  /** Pushes the expiry out by the TTL; false when the lease is no longer ours. */
  extend(): Promise<boolean>;
  /** Gives the lease up if it is still ours (owner-checked). */
  release(): Promise<void>;
}

/** What {@link acquireLease} needs from a backend and its caller. */
export interface LeaseLoop {
  /** One try: the lease, or null when someone else holds it. */
  attempt(): Promise<Lease | null>;
  /** Names the lock in messages, e.g. `Redis lock "tdauth:lock"`. */
  what: string;
  ttlMs: number;
  heartbeatMs: number;
  maxPollMs: number;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  onLost?: ((err: Error) => void) | undefined;
  /** Clock for the deadline and the heartbeat's grace, epoch ms; default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * A random 128-bit owner token (hex). WebCrypto exists on every runtime tdauth supports.
 *
 * @example
 * ```ts
 * const owner = ownerToken(); // "3f9c…" (32 hex digits)
 * ```
 */
export function ownerToken(): string {
  return randomHex(16);
}

/** Timers must not keep a process alive just because a lock was forgotten. */
function unref(timer: unknown): void {
  if (typeof timer === "number") {
    // Deno's timers are numbers; feature-checked so no Deno types are needed.
    (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno?.unrefTimer?.(timer);
  } else (timer as { unref?: () => void } | null)?.unref?.();
}

/**
 * Polls `attempt` until it yields a lease, the deadline passes (LockTimeoutError naming the
 * lock) or the signal aborts (rejects with its reason); then heartbeats until released.
 *
 * @example
 * ```ts
 * const release = await acquireLease({ attempt, what: 'Redis lock "k"', ttlMs: 30_000, heartbeatMs: 10_000, maxPollMs: 100, timeoutMs: 5_000 });
 * ```
 */
export async function acquireLease(loop: LeaseLoop): Promise<Release> {
  const { signal } = loop;
  const now = loop.now ?? Date.now;
  const deadline = now() + loop.timeoutMs;
  // Start fast (a refresh usually takes well under a second), back off to maxPollMs; the jitter
  // keeps many waiters from hitting the backend in step.
  let backoff = Math.min(5, loop.maxPollMs);
  let lease: Lease | null = null;
  for (;;) {
    if (signal?.aborted) throw abortReason(signal);
    lease = await loop.attempt();
    if (lease !== null) break;
    const left = deadline - now();
    if (left <= 0) {
      throw new LockTimeoutError(
        `${loop.what} was not acquired within ${loop.timeoutMs} ms: another process holds it ` +
          `(a holder that died frees it after ttlMs = ${loop.ttlMs} ms). Raise timeoutMs or find the holder.`,
      );
    }
    await sleep(Math.min(left, backoff * (0.5 + Math.random())), signal);
    backoff = Math.min(backoff * 2, loop.maxPollMs);
  }
  if (signal?.aborted) {
    // Aborted while the winning request was in flight: the caller has gone, so do not keep it.
    await lease.release();
    throw abortReason(signal);
  }
  return hold(lease, loop);
}

function hold(lease: Lease, loop: LeaseLoop): Release {
  const now = loop.now ?? Date.now;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let lastGood = now();
  const tick = (): void => {
    timer = setTimeout(() => {
      inFlight = lease.extend().then(
        (ok) => {
          if (stopped) return;
          if (!ok) {
            stopped = true;
            loop.onLost?.(new Error(`${loop.what} was lost: it expired and another owner took it`));
            return;
          }
          lastGood = now();
          tick();
        },
        (err: unknown) => {
          if (stopped) return;
          // A backend hiccup: keep trying while the lease may still be ours.
          if (now() - lastGood >= loop.ttlMs) {
            stopped = true;
            loop.onLost?.(new Error(`${loop.what} may be lost: it could not be extended for ${loop.ttlMs} ms`, { cause: err }));
            return;
          }
          tick();
        },
      );
    }, loop.heartbeatMs);
    unref(timer);
  };
  tick();
  let released: Promise<void> | undefined;
  return () => {
    released ??= (async () => {
      stopped = true;
      clearTimeout(timer);
      // An extend in flight would hand the release a stale version (Deno KV) or race it.
      await inFlight.catch(() => {});
      await lease.release();
    })();
    return released;
  };
}

// The acquire loop shared by KvLock and RedisLock: poll with jittered backoff until a deadline or
// an abort, then keep the lease alive with a heartbeat until the owner releases it.
import { LockTimeoutError } from "../../core/errors.ts";
import { randomHex } from "../../core/_random.ts";
import { abortReason, sleep } from "../../core/_sleep.ts";
import type { LockAcquireOptions, Release } from "../../core/types.ts";
import { durationMs, optionalFunction, timeoutMs } from "./options.ts";

/** One held lease, as the backend sees it. */
export interface Lease {
  /** Pushes the expiry out by the TTL; false when the lease is no longer ours. */
  extend(): Promise<boolean>;
  /** Gives the lease up if it is still ours (owner-checked). */
  release(): Promise<void>;
}

/**
 * The options every lease lock takes (`KvLock`, `RedisLock`).
 * @example
 * ```ts
 * const options: LeaseOptions = { ttlMs: 10_000, timeoutMs: 5_000 };
 * ```
 */
export interface LeaseOptions {
  /** A holder that stops heartbeating (crashed, killed, partitioned) loses the lock after this long. Default 30_000. */
  ttlMs?: number;
  /** How often a holder extends its lease. Default ttlMs / 3. */
  heartbeatMs?: number;
  /** Longest wait between tries while someone else holds it (jittered). Default 100. */
  pollMs?: number;
  /** Default for `acquire({ timeoutMs })`. Default 60_000. */
  timeoutMs?: number;
  /** Called when a held lease could not be kept (it expired and someone else took it). */
  onLost?: (err: Error) => void;
  /** Clock for lease expiries and the acquire deadline, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** {@link LeaseOptions} checked, with their defaults, and the lock's name for messages. */
export interface LeaseSettings {
  lock: string;
  ttlMs: number;
  heartbeatMs: number;
  pollMs: number;
  timeoutMs: number;
  onLost: ((err: Error) => void) | undefined;
  now: () => number;
}

/**
 * Checks a lease lock's options (named `lock` in messages, e.g. "KvLock"); `duration` checks the
 * TTL and heartbeat (Redis takes whole milliseconds).
 * @example
 * ```ts
 * this.#lease = leaseSettings(options, "KvLock");
 * ```
 */
export function leaseSettings(
  options: LeaseOptions,
  lock: string,
  duration: (value: unknown, what: string) => number = durationMs,
): LeaseSettings {
  const ttlMs = duration(options.ttlMs ?? 30_000, `${lock}: ttlMs`);
  const heartbeatMs = duration(options.heartbeatMs ?? Math.max(1, Math.floor(ttlMs / 3)), `${lock}: heartbeatMs`);
  if (heartbeatMs >= ttlMs) throw new TypeError(`${lock}: heartbeatMs must be less than ttlMs`);
  return {
    lock,
    ttlMs,
    heartbeatMs,
    pollMs: durationMs(options.pollMs ?? 100, `${lock}: pollMs`),
    timeoutMs: timeoutMs(options.timeoutMs ?? 60_000, `${lock}: timeoutMs`),
    onLost: optionalFunction(options.onLost, `${lock}: onLost`),
    now: optionalFunction(options.now, `${lock}: now`) ?? Date.now,
  };
}

/** What {@link acquireLease} needs from a backend: one try, and how messages name the lock. */
export interface LeaseBackend {
  /** One try: the lease, or null when someone else holds it. */
  attempt(): Promise<Lease | null>;
  /** Names the lock in messages, e.g. `Redis lock "tdauth:lock"`. */
  what: string;
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
 * const release = await acquireLease(leaseSettings({}, "RedisLock"), { attempt, what: 'Redis lock "k"' }, { timeoutMs: 5_000 });
 * ```
 */
export async function acquireLease(settings: LeaseSettings, backend: LeaseBackend, options: LockAcquireOptions = {}): Promise<Release> {
  const { signal } = options;
  const { now, pollMs } = settings;
  const wait = options.timeoutMs === undefined
    ? settings.timeoutMs
    : timeoutMs(options.timeoutMs, `${settings.lock}.acquire({ timeoutMs }): timeoutMs`);
  const deadline = now() + wait;
  // Start fast (a refresh usually takes well under a second), back off to pollMs; the jitter
  // keeps many waiters from hitting the backend in step.
  let backoff = Math.min(5, pollMs);
  let lease: Lease | null = null;
  for (;;) {
    if (signal?.aborted) throw abortReason(signal);
    lease = await backend.attempt();
    if (lease !== null) break;
    const left = deadline - now();
    if (left <= 0) {
      throw new LockTimeoutError(
        `${backend.what} was not acquired within ${wait} ms: another process holds it ` +
          `(a holder that died frees it after ttlMs = ${settings.ttlMs} ms). Raise timeoutMs or find the holder.`,
      );
    }
    await sleep(Math.min(left, backoff * (0.5 + Math.random())), signal);
    backoff = Math.min(backoff * 2, pollMs);
  }
  if (signal?.aborted) {
    // Aborted while the winning request was in flight: the caller has gone, so do not keep it.
    await lease.release();
    throw abortReason(signal);
  }
  return hold(lease, settings, backend.what);
}

function hold(lease: Lease, settings: LeaseSettings, what: string): Release {
  const { now, ttlMs, onLost } = settings;
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
            onLost?.(new Error(`${what} was lost: it expired and another owner took it`));
            return;
          }
          lastGood = now();
          tick();
        },
        (err: unknown) => {
          if (stopped) return;
          // A backend hiccup: keep trying while the lease may still be ours.
          if (now() - lastGood >= ttlMs) {
            stopped = true;
            onLost?.(new Error(`${what} may be lost: it could not be extended for ${ttlMs} ms`, { cause: err }));
            return;
          }
          tick();
        },
      );
    }, settings.heartbeatMs);
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

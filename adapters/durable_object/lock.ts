// DurableObjectLock: the refresh lease of a TDAuthDurableObject. An acquire waits inside the
// object (woken by the holder's release) rather than polling from the Worker, so a waiter costs a
// few subrequests, not one per poll.

import type { Lock, LockAcquireOptions, Release } from "../../core/types.ts";
import { acquireLease, type Lease, type LeaseOptions, type LeaseSettings, leaseSettings, ownerToken } from "../_shared/lease.ts";
import { callObject, type DurableObjectNamespaceLike, namespaceOf, objectName } from "./_protocol.ts";

/** Options of {@link DurableObjectLock}: the lease settings every lease lock takes, and the object's name. */
export interface DurableObjectLockOptions extends LeaseOptions {
  /** The name of the object whose lease this is (`namespace.idFromName(name)`). Default "tdauth". */
  name?: string;
}

/** How long one acquire may wait inside the object before it asks again (the object allows 10 s). */
const LONG_POLL_MS = 5_000;

/**
 * A lock held as a lease in a {@link TDAuthDurableObject}: owned by a random 128-bit token,
 * extended by a heartbeat while held, released only by its owner, and lost by a holder that
 * stops extending it (crashed, evicted) after `ttlMs`, by the object's clock. A session on a
 * {@link DurableObjectStore} uses it without being told.
 *
 * @example
 * ```ts
 * const lock = new DurableObjectLock(env.TDAUTH_DO, { ttlMs: 20_000 });
 * const release = await lock.acquire({ timeoutMs: 10_000 });
 * try { await refresh(); } finally { await release(); }
 * ```
 */
export class DurableObjectLock implements Lock {
  /** The object's name. */
  readonly name: string;
  /** How long the lease outlives its holder's last heartbeat. */
  readonly ttlMs: number;
  readonly #namespace: DurableObjectNamespaceLike;
  readonly #lease: LeaseSettings;

  /** A lock on the lease of the object called `options.name` (default "tdauth") of `namespace`, the binding (e.g. `env.TDAUTH_DO`). */
  constructor(namespace: DurableObjectNamespaceLike, options: DurableObjectLockOptions = {}) {
    this.#namespace = namespaceOf(namespace, "new DurableObjectLock(namespace)");
    this.name = objectName(options.name, "new DurableObjectLock(namespace, { name })");
    this.#lease = leaseSettings(options, "DurableObjectLock");
    this.ttlMs = this.#lease.ttlMs;
  }

  /**
   * Waits for the lease; rejects with LockTimeoutError after `timeoutMs`, or the signal's reason.
   * @example
   * ```ts
   * const release = await lock.acquire({ signal: AbortSignal.timeout(5_000) });
   * ```
   */
  acquire(options: LockAcquireOptions = {}): Promise<Release> {
    const { now } = this.#lease;
    const wait = options.timeoutMs ?? this.#lease.timeoutMs;
    const deadline = now() + (typeof wait === "number" && wait >= 0 ? wait : 0);
    const attempt = (): Promise<Lease | null> => this.#attempt(Math.max(0, Math.min(LONG_POLL_MS, deadline - now())), options.signal);
    return acquireLease(this.#lease, { attempt, what: `the lease of the Durable Object "${this.name}"` }, options);
  }

  async #attempt(waitMs: number, signal: AbortSignal | undefined): Promise<Lease | null> {
    const owner = ownerToken();
    const call = <T>(operation: "acquire" | "extend" | "release", body: Record<string, unknown>, abort?: AbortSignal): Promise<T> =>
      callObject<T>(this.#namespace, this.name, operation, { owner, ...body }, abort);
    const { acquired } = await call<{ acquired: boolean }>("acquire", { ttlMs: this.ttlMs, waitMs }, signal);
    if (!acquired) return null;
    return {
      extend: async () => (await call<{ extended: boolean }>("extend", { ttlMs: this.ttlMs })).extended,
      release: async () => void await call("release", {}),
    };
  }
}

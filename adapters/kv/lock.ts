/**
 * `tdauth/locks/kv`: a Lock on Deno KV, for processes (or Deno Deploy isolates) sharing one KV.
 *
 * @example
 * ```ts
 * import { KvLock } from "tdauth/locks/kv";
 * const lock = new KvLock(await Deno.openKv());
 * ```
 * @module
 */
import type { Lock, LockAcquireOptions, Release } from "../../core/types.ts";
import { acquireLease, type Lease, type LeaseOptions, type LeaseSettings, leaseSettings, ownerToken } from "../_shared/lease.ts";
import { type DenoKvLike, isKVNamespace, type Kv, toKv } from "./kv.ts";

export type { DenoAtomicLike, DenoKvLike, Kv } from "./kv.ts";
export type { LeaseOptions } from "../_shared/lease.ts";

/** Options of {@link KvLock}: the lease settings every lease lock takes, and the key. */
export interface KvLockOptions extends LeaseOptions {
  /** The key the lock lives under. Default "tdauth:lock". */
  key?: string;
}

const WORKERS_KV_REFUSED = "new KvLock(kv): kv is a Workers KV namespace, which cannot hold a lock: it is eventually consistent " +
  "(a write can take 60 s to be seen elsewhere) and has no atomic compare-and-set, so two Workers could " +
  "both believe they hold it and refresh at once, which revokes the session. Use Deno KV (KvLock), Redis " +
  "(RedisLock from tdauth/locks/redis), or let a single Worker instance refresh (a Cron Trigger, or a " +
  "Durable Object) with the default in-process lock.";

interface Holder {
  owner: string;
  expiresAt: number;
}

function readHolder(value: string | null): Holder | null {
  if (value === null) return null;
  try {
    const h = JSON.parse(value) as Partial<Holder>;
    if (typeof h.owner === "string" && typeof h.expiresAt === "number") return h as Holder;
  } catch {
    // Not ours: handled as expired below.
  }
  return null;
}

/**
 * A lock on Deno KV: the lease is one key written with an atomic check-and-set
 * (`check({ key, versionstamp: null })` then `set(..., { expireIn: ttlMs })`), owned by a random
 * 128-bit token, extended by a heartbeat while held and released by an atomic check of the
 * versionstamp this owner wrote, so a late release never deletes someone else's lease.
 *
 * Deno KV deletes expired keys lazily (a `get` can still return one), so the lease also records
 * its expiry time and a dead holder's lease is taken over with a check of its versionstamp once
 * that time has passed. Processes on different machines should have clocks within a fraction of
 * `ttlMs`.
 *
 * **Not on Workers KV**: passing a Workers KV namespace throws a TypeError. Workers KV is
 * eventually consistent and has no compare-and-set, so no correct lock can be built on it. Use
 * Deno KV, Redis (`RedisLock`), or one Worker instance / a Durable Object doing the refreshes.
 *
 * @example
 * ```ts
 * const kv = await Deno.openKv();
 * const session = new AuthSession({ provider, store: new KvStore(kv), lock: new KvLock(kv) });
 * const release = await new KvLock(kv).acquire({ timeoutMs: 10_000 });
 * try { await refresh(); } finally { await release(); }
 * ```
 */
export class KvLock implements Lock {
  /** The KV key of the lease; default "tdauth:lock". */
  readonly key: string;
  /** How long a lease lives without a heartbeat: a dead holder's lease is taken over after it. */
  readonly ttlMs: number;
  readonly #kv: Kv;
  readonly #lease: LeaseSettings;

  /**
   * Takes nothing yet: the lease is written on `acquire()`.
   *
   * @param kv A `Deno.Kv` (from `await Deno.openKv()`) or a {@link Kv} with atomic `setIf`/`deleteIf`; a Workers KV
   *   namespace throws `TypeError`.
   * @param options The lease key and timing ({@link KvLockOptions}).
   */
  constructor(kv: Kv | DenoKvLike, options: KvLockOptions = {}) {
    if (isKVNamespace(kv)) throw new TypeError(WORKERS_KV_REFUSED);
    const wrapped = toKv(kv, "new KvLock(kv)");
    if (typeof wrapped.setIf !== "function" || typeof wrapped.deleteIf !== "function") {
      throw new TypeError(
        wrapped.name === "Workers KV"
          ? WORKERS_KV_REFUSED
          : `new KvLock(kv): ${wrapped.name} has no atomic setIf/deleteIf, which a lock needs; use Deno KV or RedisLock`,
      );
    }
    this.#kv = wrapped;
    this.key = options.key ?? "tdauth:lock";
    if (typeof this.key !== "string" || this.key === "") throw new TypeError("new KvLock(kv, { key }): key must be a non-empty string");
    this.#lease = leaseSettings(options, "KvLock");
    this.ttlMs = this.#lease.ttlMs;
  }

  /** Waits for the lock; rejects with LockTimeoutError after `timeoutMs`, or the signal's reason. */
  acquire(options: LockAcquireOptions = {}): Promise<Release> {
    return acquireLease(this.#lease, { attempt: () => this.#attempt(), what: `${this.#kv.name} lock "${this.key}"` }, options);
  }

  async #attempt(): Promise<Lease | null> {
    const kv = this.#kv as Required<Kv>;
    const owner = ownerToken();
    const record = (): string => JSON.stringify({ owner, expiresAt: this.#lease.now() + this.ttlMs } satisfies Holder);
    // Uncontended case in one round trip: create if absent.
    let version = await kv.setIf(this.key, null, record(), { ttlMs: this.ttlMs });
    if (version === null) {
      const entry = await kv.get(this.key);
      const holder = readHolder(entry.value);
      const free = entry.value === null || holder === null || holder.expiresAt <= this.#lease.now();
      // Checked against the versionstamp just read: of several waiters seeing the same dead
      // lease, exactly one takes it over.
      if (!free) return null;
      version = await kv.setIf(this.key, entry.versionstamp, record(), { ttlMs: this.ttlMs });
      if (version === null) return null;
    }
    let current = version;
    return {
      extend: async () => {
        const next = await kv.setIf(this.key, current, record(), { ttlMs: this.ttlMs });
        if (next === null) return false;
        current = next;
        return true;
      },
      release: async () => {
        await kv.deleteIf(this.key, current);
      },
    };
  }
}

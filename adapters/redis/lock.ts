/**
 * `tdauth/locks/redis`: a Lock in Redis, so processes on several machines refresh one session
 * one at a time.
 *
 * @example
 * ```ts
 * import Redis from "ioredis";
 * import { RedisLock } from "tdauth/locks/redis";
 * const lock = new RedisLock(new Redis(process.env.REDIS_URL));
 * ```
 * @module
 */
import type { Lock, LockAcquireOptions, Release } from "../../core/types.ts";
import { acquireLease, type Lease, type LeaseOptions, type LeaseSettings, leaseSettings, ownerToken } from "../_shared/lease.ts";
import { durationMs } from "../_shared/options.ts";
import { type RedisClientLike, type RedisOps, redisOps } from "./_client.ts";

export type { IORedisLike, NodeRedisLike, RedisClientLike } from "./_client.ts";
export type { LeaseOptions } from "../_shared/lease.ts";

/** Options of {@link RedisLock}: the lease settings every lease lock takes (whole milliseconds for Redis), and the key. */
export interface RedisLockOptions extends LeaseOptions {
  /** The key the lock lives under. Default "tdauth:lock". */
  key?: string;
  /** Put before the key, e.g. "myapp:". Default "". */
  prefix?: string;
}

// Owner-checked in one atomic script: a holder whose lease expired and was taken over must not
// delete or extend the new owner's lease.
const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) else return 0 end`;

/**
 * A lock in Redis: `SET key <random 128-bit owner> NX PX ttlMs`, extended by a heartbeat while
 * held and released by an owner-checked Lua script, so a late release never frees someone else's
 * lease. A holder that dies is replaced after `ttlMs`. Works with one Redis server (or a primary
 * with replicas, accepting the usual failover window); it is not Redlock.
 *
 * @example
 * ```ts
 * const redis = new Redis("redis://127.0.0.1:6379");
 * const session = new AuthSession({ provider, store: new RedisStore(redis), lock: new RedisLock(redis) });
 * const release = await new RedisLock(redis, { ttlMs: 10_000 }).acquire({ timeoutMs: 5_000 });
 * try { await refresh(); } finally { await release(); }
 * ```
 */
export class RedisLock implements Lock {
  /** The full key, prefix included. */
  readonly key: string;
  /** How long a lease lives without a heartbeat: a dead holder's lease expires in Redis after it. */
  readonly ttlMs: number;
  readonly #redis: RedisOps;
  readonly #lease: LeaseSettings;

  /**
   * Takes nothing yet: the lease is written on `acquire()`.
   *
   * @param client A connected ioredis or node-redis client; tdauth never connects or quits it.
   * @param options The key, its prefix and the lease timing ({@link RedisLockOptions}).
   */
  constructor(client: RedisClientLike, options: RedisLockOptions = {}) {
    this.#redis = redisOps(client, "new RedisLock(client)");
    const { key = "tdauth:lock", prefix = "" } = options;
    if (typeof key !== "string" || key === "") throw new TypeError("new RedisLock(client, { key }): key must be a non-empty string");
    if (typeof prefix !== "string") throw new TypeError("new RedisLock(client, { prefix }): prefix must be a string");
    this.key = prefix + key;
    this.#lease = leaseSettings(options, "RedisLock", wholeMs);
    this.ttlMs = this.#lease.ttlMs;
  }

  /** Waits for the lock; rejects with LockTimeoutError after `timeoutMs`, or the signal's reason. */
  acquire(options: LockAcquireOptions = {}): Promise<Release> {
    return acquireLease(this.#lease, { attempt: () => this.#attempt(), what: `Redis lock "${this.key}"` }, options);
  }

  async #attempt(): Promise<Lease | null> {
    const owner = ownerToken();
    if (!(await this.#redis.setNxPx(this.key, owner, this.ttlMs))) return null;
    const ttl = String(this.ttlMs);
    return {
      extend: async () => Number(await this.#redis.eval(EXTEND, [this.key], [owner, ttl])) === 1,
      release: async () => void (await this.#redis.eval(RELEASE, [this.key], [owner])),
    };
  }
}

// PX takes whole milliseconds.
function wholeMs(value: unknown, what: string): number {
  const ms = durationMs(value, what);
  if (!Number.isInteger(ms)) throw new TypeError(`${what} must be a positive whole number of milliseconds`);
  return ms;
}

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
import { acquireLease, type Lease, ownerToken } from "../_shared/lease.ts";
import { durationMs, optionalFunction, timeoutMs } from "../_shared/options.ts";
import { type RedisClientLike, type RedisOps, redisOps } from "./_client.ts";

export type { IORedisLike, NodeRedisLike, RedisClientLike } from "./_client.ts";

/** Options of {@link RedisLock}. */
export interface RedisLockOptions {
  /** The key the lock lives under. Default "tdauth:lock". */
  key?: string;
  /** Put before the key, e.g. "myapp:". Default "". */
  prefix?: string;
  /** A holder that stops heartbeating (crashed, killed, partitioned) loses the lock after this long. Default 30_000. */
  ttlMs?: number;
  /** How often a holder extends its lease. Default ttlMs / 3. */
  heartbeatMs?: number;
  /** Longest wait between tries while someone else holds it (jittered). Default 100. */
  pollMs?: number;
  /** Default for {@link LockAcquireOptions.timeoutMs}. Default 60_000. */
  timeoutMs?: number;
  /** Called when a held lease could not be kept (it expired and someone else took it). */
  onLost?: (err: Error) => void;
  /** Clock for the acquire deadline, epoch ms (leases expire on the Redis server's clock). Default `Date.now`. */
  now?: () => number;
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
  readonly ttlMs: number;
  readonly #redis: RedisOps;
  readonly #heartbeatMs: number;
  readonly #pollMs: number;
  readonly #timeoutMs: number;
  readonly #onLost: ((err: Error) => void) | undefined;
  readonly #now: () => number;

  constructor(client: RedisClientLike, options: RedisLockOptions = {}) {
    this.#redis = redisOps(client, "new RedisLock(client)");
    const { key = "tdauth:lock", prefix = "" } = options;
    if (typeof key !== "string" || key === "") throw new TypeError("new RedisLock(client, { key }): key must be a non-empty string");
    if (typeof prefix !== "string") throw new TypeError("new RedisLock(client, { prefix }): prefix must be a string");
    this.key = prefix + key;
    this.ttlMs = whole(options.ttlMs ?? 30_000, "ttlMs");
    this.#heartbeatMs = whole(options.heartbeatMs ?? Math.max(1, Math.floor(this.ttlMs / 3)), "heartbeatMs");
    if (this.#heartbeatMs >= this.ttlMs) throw new TypeError("new RedisLock(client, { heartbeatMs }): heartbeatMs must be less than ttlMs");
    this.#pollMs = durationMs(options.pollMs ?? 100, "RedisLock: pollMs");
    this.#timeoutMs = timeoutMs(options.timeoutMs ?? 60_000, "RedisLock: timeoutMs");
    this.#onLost = optionalFunction(options.onLost, "RedisLock: onLost");
    this.#now = optionalFunction(options.now, "RedisLock: now") ?? Date.now;
  }

  /** Waits for the lock; rejects with LockTimeoutError after `timeoutMs`, or the signal's reason. */
  acquire(options: LockAcquireOptions = {}): Promise<Release> {
    const wait = options.timeoutMs === undefined
      ? this.#timeoutMs
      : timeoutMs(options.timeoutMs, "RedisLock.acquire({ timeoutMs }): timeoutMs");
    return acquireLease({
      attempt: () => this.#attempt(),
      what: `Redis lock "${this.key}"`,
      ttlMs: this.ttlMs,
      heartbeatMs: this.#heartbeatMs,
      maxPollMs: this.#pollMs,
      timeoutMs: wait,
      signal: options.signal,
      onLost: this.#onLost,
      now: this.#now,
    });
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
function whole(n: number, name: string): number {
  if (!Number.isInteger(durationMs(n, `RedisLock: ${name}`))) {
    throw new TypeError(`RedisLock: ${name} must be a positive whole number of milliseconds`);
  }
  return n;
}

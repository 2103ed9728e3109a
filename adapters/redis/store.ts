/**
 * `tdauth/stores/redis`: a TokenStore in Redis, for a session shared by several machines.
 *
 * @example
 * ```ts
 * import Redis from "ioredis";
 * import { RedisStore } from "tdauth/stores/redis";
 * const store = new RedisStore(new Redis(process.env.REDIS_URL));
 * ```
 * @module
 */
import { StoreError } from "../../core/errors.ts";
import type { StoredTokens, TokenStore } from "../../core/types.ts";
import { parseStoredTokens, serializeTokens } from "../_shared/tokens.ts";
import { type RedisClientLike, type RedisOps, redisOps } from "./_client.ts";

export type { IORedisLike, NodeRedisLike, RedisClientLike } from "./_client.ts";

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** The key the tokens live under. Default "tdauth:tokens". */
  key?: string;
  /** Put before the key, e.g. "myapp:" (ioredis' own `keyPrefix` works too). Default "". */
  prefix?: string;
}

/**
 * Keeps one session's tokens as JSON under one Redis key (one SET, so readers see the old or
 * the new record). Pass a connected ioredis or node-redis v4+ client; neither is a dependency of
 * tdauth. Loaded JSON is validated: anything else raises a StoreError naming the key and is left
 * in place. The tokens are plain JSON in Redis: protect it with ACLs/TLS as you would a password.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * const client = await createClient({ url: "redis://127.0.0.1:6379" }).connect();
 * const store = new RedisStore(client, { prefix: "prod:" });   // key "prod:tdauth:tokens"
 * await store.save(tokens);
 * ```
 */
export class RedisStore implements TokenStore {
  /** The full key, prefix included. */
  readonly key: string;
  /**
   * Where the tokens are: the full Redis key. Sessions of one process whose stores name the same
   * key share one in-process lock, so two RedisStore objects on one key never refresh twice (pair
   * it with a RedisLock for sessions in several processes or machines).
   */
  readonly lockKey: string;
  readonly #redis: RedisOps;

  /**
   * Reads nothing yet: the key is read on `load()` and written on `save()`.
   *
   * @param client A connected ioredis or node-redis client; tdauth never connects or quits it.
   * @param options The key and its prefix ({@link RedisStoreOptions}).
   */
  constructor(client: RedisClientLike, options: RedisStoreOptions = {}) {
    this.#redis = redisOps(client, "new RedisStore(client)");
    const { key = "tdauth:tokens", prefix = "" } = options;
    if (typeof key !== "string" || key === "") throw new TypeError("new RedisStore(client, { key }): key must be a non-empty string");
    if (typeof prefix !== "string") throw new TypeError("new RedisStore(client, { prefix }): prefix must be a string");
    this.key = prefix + key;
    this.lockKey = `Redis key "${this.key}"`;
  }

  /** The stored tokens, or null when the key is absent. */
  async load(): Promise<StoredTokens | null> {
    let value: string | null;
    try {
      value = await this.#redis.get(this.key);
    } catch (cause) {
      throw new StoreError(`could not read Redis key "${this.key}"`, { cause });
    }
    if (value === null) return null;
    return parseStoredTokens(value, `Redis key "${this.key}"`, `delete it (DEL ${this.key}, or await store.clear())`);
  }

  /** Replaces the stored tokens. */
  async save(tokens: StoredTokens): Promise<void> {
    const text = serializeTokens(tokens, "RedisStore.save(tokens)");
    try {
      await this.#redis.set(this.key, text);
    } catch (cause) {
      throw new StoreError(`could not write Redis key "${this.key}"`, { cause });
    }
  }

  /** Deletes the stored tokens; harmless when there are none. */
  async clear(): Promise<void> {
    try {
      await this.#redis.del(this.key);
    } catch (cause) {
      throw new StoreError(`could not delete Redis key "${this.key}"`, { cause });
    }
  }
}

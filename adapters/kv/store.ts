/**
 * `tdauth/stores/kv`: a TokenStore in Deno KV or Cloudflare Workers KV.
 *
 * @example
 * ```ts
 * import { KvStore } from "tdauth/stores/kv";
 * const store = new KvStore(await Deno.openKv());         // Deno / Deno Deploy
 * const store2 = new KvStore(env.TOKENS);                 // in a Worker
 * ```
 * @module
 */
import { StoreError } from "../../core/errors.ts";
import type { StoredTokens, TokenStore } from "../../core/types.ts";
import { parseStoredTokens, serializeTokens } from "../_shared/tokens.ts";
import { type DenoKvLike, type Kv, type KVNamespaceLike, toKv } from "./kv.ts";

export { denoKv, workersKv } from "./kv.ts";
export type { DenoAtomicLike, DenoKvLike, DenoKvOptions, Kv, KvEntry, KVNamespaceLike, KvSetOptions } from "./kv.ts";

/** Options of {@link KvStore}. */
export interface KvStoreOptions {
  /** The key the tokens live under. Default "tdauth:tokens". */
  key?: string;
}

/**
 * Keeps one session's tokens as JSON under one key. Accepts a raw `Deno.Kv`, a raw Workers KV
 * namespace, or a {@link Kv} from `denoKv()`/`workersKv()` (e.g. to choose the Deno key prefix).
 *
 * On Workers KV a save can take up to about 60 s to be seen in other locations (eventual
 * consistency); pair it with one refreshing Worker (a Cron Trigger or a Durable Object), not a lock.
 * What is loaded is validated: anything that is not tdauth's JSON raises a StoreError naming the
 * key, and the stored value is left untouched.
 *
 * @example
 * ```ts
 * const store = new KvStore(await Deno.openKv(), { key: "schwab:tokens" });
 * await store.save(tokens);
 * const again = await store.load();
 * ```
 */
export class KvStore implements TokenStore {
  /** The KV key the tokens live under; default "tdauth:tokens". */
  readonly key: string;
  /**
   * Where the tokens are: the KV and the key. Sessions of one process whose stores name the same
   * place share one in-process lock, so two KvStore objects on one key never refresh twice.
   */
  readonly lockKey: string;
  readonly #kv: Kv;

  /**
   * Reads nothing yet: the key is read on `load()` and written on `save()`.
   *
   * @param kv A `Deno.Kv`, a Workers KV namespace binding (e.g. `env.TOKENS`), or a {@link Kv}.
   * @param options The key ({@link KvStoreOptions}).
   */
  constructor(kv: Kv | DenoKvLike | KVNamespaceLike, options: KvStoreOptions = {}) {
    this.#kv = toKv(kv, "new KvStore(kv)");
    const key = options.key ?? "tdauth:tokens";
    if (typeof key !== "string" || key === "") throw new TypeError("new KvStore(kv, { key }): key must be a non-empty string");
    this.key = key;
    this.lockKey = this.#where();
  }

  /** The stored tokens, or null when the key is absent. */
  async load(): Promise<StoredTokens | null> {
    let value: string | null;
    try {
      ({ value } = await this.#kv.get(this.key));
    } catch (cause) {
      throw new StoreError(`could not read ${this.#where()}`, { cause });
    }
    if (value === null) return null;
    return parseStoredTokens(value, this.#where(), `delete that key (await store.clear())`);
  }

  /** Replaces the stored tokens (one KV write, so readers see the old or the new record). */
  async save(tokens: StoredTokens): Promise<void> {
    const text = serializeTokens(tokens, "KvStore.save(tokens)");
    try {
      await this.#kv.set(this.key, text);
    } catch (cause) {
      throw new StoreError(`could not write ${this.#where()}`, { cause });
    }
  }

  /** Deletes the stored tokens; harmless when there are none. */
  async clear(): Promise<void> {
    try {
      await this.#kv.delete(this.key);
    } catch (cause) {
      throw new StoreError(`could not delete ${this.#where()}`, { cause });
    }
  }

  #where(): string {
    return `${this.#kv.name} key "${this.key}"`;
  }
}

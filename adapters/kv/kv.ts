/**
 * The one structural key-value interface KvStore and KvLock use, and the two wrappers that make
 * Deno KV and Cloudflare Workers KV satisfy it. Only shapes are declared here, so tdauth needs
 * neither Deno's types nor @cloudflare/workers-types.
 * @module
 */

/** What {@link Kv.get} returns. `versionstamp` is null when the key is absent or the KV has none. */
export interface KvEntry {
  /** The stored text, or null when the key is absent. */
  value: string | null;
  /** Changes on every write; only KVs with atomic operations (Deno KV) have one. */
  versionstamp: string | null;
}

/** Options of {@link Kv.set} and {@link Kv.setIf}. */
export interface KvSetOptions {
  /** Let the KV drop the key after about this long (Workers KV rounds up to at least 60 s). */
  ttlMs?: number;
}

/**
 * The structural KV interface: strings in, strings out. `setIf`/`deleteIf` exist only where the
 * KV can compare and set atomically (Deno KV); a lock needs them, a store does not.
 *
 * @example
 * ```ts
 * const kv: Kv = denoKv(await Deno.openKv());
 * await kv.set("greeting", "hi");
 * const { value } = await kv.get("greeting"); // "hi"
 * ```
 */
export interface Kv {
  /** Names the KV in error messages, e.g. "Deno KV". */
  readonly name: string;
  /** Reads a key; an absent key gives `{ value: null, versionstamp: null }`. */
  get(key: string): Promise<KvEntry>;
  /** Writes a key, replacing what was there. */
  set(key: string, value: string, options?: KvSetOptions): Promise<void>;
  /** Deletes a key; deleting an absent key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Writes only if the key's versionstamp is still `expected` (null: the key is absent).
   * Resolves with the new versionstamp, or null when someone else wrote first.
   */
  setIf?(key: string, expected: string | null, value: string, options?: KvSetOptions): Promise<string | null>;
  /** Deletes only if the key's versionstamp is still `expected`; resolves with whether it did. */
  deleteIf?(key: string, expected: string): Promise<boolean>;
}

/** The part of `Deno.Kv` tdauth uses; `await Deno.openKv()` satisfies it. */
export interface DenoKvLike {
  /** `Deno.Kv.get`: the value and versionstamp of a key (null for both when absent). */
  get(key: readonly unknown[]): Promise<{ value: unknown; versionstamp: string | null }>;
  /** `Deno.Kv.set`, with Deno's `expireIn` in milliseconds. */
  set(key: readonly unknown[], value: unknown, options?: { expireIn?: number }): Promise<unknown>;
  /** `Deno.Kv.delete`. */
  delete(key: readonly unknown[]): Promise<void>;
  /** `Deno.Kv.atomic`: starts a check-and-set, which `KvLock` needs. */
  atomic(): DenoAtomicLike;
}

/** The part of `Deno.AtomicOperation` tdauth uses. */
export interface DenoAtomicLike {
  /** Makes the commit fail unless each key still has the given versionstamp (null: the key is absent). */
  check(...checks: { key: readonly unknown[]; versionstamp: string | null }[]): DenoAtomicLike;
  /** Writes a key when the commit succeeds. */
  set(key: readonly unknown[], value: unknown, options?: { expireIn?: number }): DenoAtomicLike;
  /** Deletes a key when the commit succeeds. */
  delete(key: readonly unknown[]): DenoAtomicLike;
  /** Applies the operation if every check holds; `ok` says whether it did. */
  commit(): Promise<{ ok: boolean; versionstamp?: string }>;
}

/** The part of a Cloudflare `KVNamespace` binding tdauth uses; `env.TOKENS` satisfies it. */
export interface KVNamespaceLike {
  /** `KVNamespace.get(key, "text")`: the value, or null when absent. */
  get(key: string, type: "text"): Promise<string | null>;
  /** `KVNamespace.put`, with Cloudflare's `expirationTtl` in seconds (at least 60). */
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  /** `KVNamespace.delete`. */
  delete(key: string): Promise<void>;
}

/** Options of {@link denoKv}. */
export interface DenoKvOptions {
  /** Key parts put before every key. Default `["tdauth"]`, so "tdauth:tokens" is `["tdauth", "tdauth:tokens"]`. */
  prefix?: readonly unknown[];
}

/**
 * Wraps a Deno KV database. Values are stored as JSON text; atomic `setIf`/`deleteIf` come from
 * `kv.atomic().check(...)`, which is what makes {@link KvLock} safe on Deno KV.
 *
 * @example
 * ```ts
 * const store = new KvStore(denoKv(await Deno.openKv(), { prefix: ["myapp"] }));
 * ```
 */
export function denoKv(kv: DenoKvLike, options: DenoKvOptions = {}): Kv {
  if (!isDenoKv(kv)) throw new TypeError("denoKv(kv): kv must be a Deno.Kv (from await Deno.openKv())");
  const prefix = options.prefix ?? ["tdauth"];
  if (!Array.isArray(prefix)) throw new TypeError("denoKv(kv, { prefix }): prefix must be an array of key parts");
  const k = (key: string): unknown[] => [...prefix, key];
  return {
    name: "Deno KV",
    async get(key) {
      const entry = await busyRetry(() => kv.get(k(key)));
      // Someone may have stored a structured value by hand; hand it back as the JSON it means.
      const value = entry.value == null ? null : typeof entry.value === "string" ? entry.value : JSON.stringify(entry.value);
      return { value, versionstamp: entry.versionstamp };
    },
    async set(key, value, opts) {
      await busyRetry(() => kv.set(k(key), value, opts?.ttlMs === undefined ? undefined : { expireIn: opts.ttlMs }));
    },
    async delete(key) {
      await busyRetry(() => kv.delete(k(key)));
    },
    async setIf(key, expected, value, opts) {
      const res = await busyRetry(() =>
        kv
          .atomic()
          .check({ key: k(key), versionstamp: expected })
          .set(k(key), value, opts?.ttlMs === undefined ? undefined : { expireIn: opts.ttlMs })
          .commit()
      );
      return res.ok ? (res.versionstamp ?? "") : null;
    },
    async deleteIf(key, expected) {
      const res = await busyRetry(() => kv.atomic().check({ key: k(key), versionstamp: expected }).delete(k(key)).commit());
      return res.ok;
    },
  };
}

/**
 * Deno KV on a local SQLite file shared by several processes answers "database is locked" while
 * another process is writing. SQLite rolled that transaction back, so trying again is safe.
 */
async function busyRetry<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (attempt >= 30 || !/database is locked|SQLITE_BUSY/i.test(String((err as Error | undefined)?.message))) throw err;
      await new Promise((r) => setTimeout(r, Math.min(100, 2 ** attempt) * (0.5 + Math.random())));
    }
  }
}

/** Workers KV refuses an `expirationTtl` under 60 seconds. */
const WORKERS_MIN_TTL_S = 60;

/**
 * Wraps a Cloudflare Workers KV namespace. Workers KV is eventually consistent (a write can take
 * 60 s or more to show everywhere) and has no atomic compare-and-set, so the result has no
 * `setIf`/`deleteIf`: fine for {@link KvStore}, refused by {@link KvLock}.
 *
 * @example
 * ```ts
 * export default { async fetch(req, env) { const store = new KvStore(workersKv(env.TOKENS)); } };
 * ```
 */
export function workersKv(namespace: KVNamespaceLike): Kv {
  if (!isKVNamespace(namespace)) {
    throw new TypeError("workersKv(namespace): namespace must be a Workers KV binding such as env.TOKENS");
  }
  return {
    name: "Workers KV",
    async get(key) {
      return { value: await namespace.get(key, "text"), versionstamp: null };
    },
    set(key, value, opts) {
      if (opts?.ttlMs === undefined) return namespace.put(key, value);
      const expirationTtl = Math.max(WORKERS_MIN_TTL_S, Math.ceil(opts.ttlMs / 1000));
      return namespace.put(key, value, { expirationTtl });
    },
    async delete(key) {
      await namespace.delete(key);
    },
  };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return (typeof x === "object" || typeof x === "function") && x !== null;
}

/**
 * Deno.Kv is the only one of the three with `atomic()`.
 * @example
 * ```ts
 * isDenoKv(await Deno.openKv()); // true
 * ```
 */
export function isDenoKv(x: unknown): x is DenoKvLike {
  return isObject(x) && typeof x.atomic === "function" && typeof x.get === "function" && typeof x.set === "function";
}

/**
 * A KVNamespace writes with `put` and has no `set`.
 * @example
 * ```ts
 * isKVNamespace(env.TOKENS); // true
 * ```
 */
export function isKVNamespace(x: unknown): x is KVNamespaceLike {
  return isObject(x) && typeof x.put === "function" && typeof x.get === "function" && typeof x.delete === "function" &&
    typeof x.set !== "function";
}

/**
 * Already wrapped (or hand-made): get/set/delete plus a name.
 * @example
 * ```ts
 * isKv(workersKv(env.TOKENS)); // true
 * ```
 */
export function isKv(x: unknown): x is Kv {
  return isObject(x) && typeof x.name === "string" && typeof x.get === "function" && typeof x.set === "function" &&
    typeof x.delete === "function" && typeof x.atomic !== "function";
}

/**
 * Accepts a wrapped {@link Kv}, a raw Deno.Kv or a raw KVNamespace, so users can pass
 * `await Deno.openKv()` or `env.TOKENS` directly. `what` names the argument in the TypeError.
 *
 * @example
 * ```ts
 * const kv = toKv(env.TOKENS, "new KvStore(kv)"); // same as workersKv(env.TOKENS)
 * ```
 */
export function toKv(x: unknown, what: string): Kv {
  if (isKv(x)) return x;
  if (isDenoKv(x)) return denoKv(x);
  if (isKVNamespace(x)) return workersKv(x);
  throw new TypeError(
    `${what}: kv must be a Deno.Kv (await Deno.openKv()), a Workers KV binding (env.TOKENS), or a Kv from denoKv()/workersKv()`,
  );
}

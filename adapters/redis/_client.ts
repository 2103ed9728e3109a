// Tells an ioredis client from a node-redis (v4+) one by shape and speaks to both through the
// five commands tdauth needs, so neither package is a dependency or is imported here.

/** The part of an ioredis client (`new Redis()`, or a Cluster) tdauth uses. */
export interface IORedisLike {
  /** The connection status ("ready", "connecting", …); its being a string tells ioredis apart. */
  status: string;
  /** `GET key`. */
  get(key: string): Promise<unknown>;
  // Two overloads, as ioredis declares them, so its typed client is assignable to this.
  /** `SET key value`. */
  set(key: string, value: string): Promise<unknown>;
  /** `SET key value PX ms NX`: a lease that expires and is written only when absent. */
  set(key: string, value: string, px: "PX", milliseconds: number, nx: "NX"): Promise<unknown>;
  /** `DEL key`. */
  del(key: string): Promise<unknown>;
  /** `EVAL script numKeys ...keys ...args`: the owner-checked release and heartbeat of `RedisLock`. */
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** The part of a node-redis v4+ client (`createClient()`, or a cluster) tdauth uses. */
export interface NodeRedisLike {
  /** Whether the client is connected; its being a boolean tells node-redis apart. */
  isOpen: boolean;
  /** `GET key`. */
  get(key: string): Promise<unknown>;
  /** `SET key value`, with `{ PX, NX }` for a lease. */
  set(key: string, value: string, options?: { PX?: number; NX?: boolean }): Promise<unknown>;
  /** `DEL key`. */
  del(key: string): Promise<unknown>;
  /** `EVAL`, node-redis style: the owner-checked release and heartbeat of `RedisLock`. */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** An ioredis or node-redis client. */
export type RedisClientLike = IORedisLike | NodeRedisLike;

/** The uniform face of either client. */
export interface RedisOps {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  del(key: string): Promise<void>;
  /** SET key value NX PX ttlMs; true when it was set. */
  setNxPx(key: string, value: string, ttlMs: number): Promise<boolean>;
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null;
}

const hasCommands = (c: Record<string, unknown>): boolean => ["get", "set", "del", "eval"].every((m) => typeof c[m] === "function");

/**
 * ioredis has `call()` and a string `status`; node-redis has neither but a boolean `isOpen`.
 * @example
 * ```ts
 * isIORedis(new Redis()); // true
 * ```
 */
export function isIORedis(x: unknown): x is IORedisLike {
  return isObject(x) && hasCommands(x) && typeof x.call === "function" && typeof x.status === "string";
}

/**
 * A node-redis v4+ client or cluster.
 * @example
 * ```ts
 * isNodeRedis(createClient()); // true
 * ```
 */
export function isNodeRedis(x: unknown): x is NodeRedisLike {
  return isObject(x) && hasCommands(x) && typeof x.isOpen === "boolean" && typeof x.call !== "function";
}

// node-redis may be configured to hand back Buffers; the values tdauth writes are UTF-8 text.
function text(reply: unknown): string | null {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === "string") return reply;
  if (reply instanceof Uint8Array) return new TextDecoder().decode(reply);
  return String(reply);
}

/**
 * Wraps either client; `what` names the argument in the TypeError for anything else.
 *
 * @example
 * ```ts
 * const ops = redisOps(new Redis(), "new RedisStore(client)");
 * await ops.setNxPx("k", "owner", 30_000);
 * ```
 */
export function redisOps(client: unknown, what: string): RedisOps {
  if (isIORedis(client)) {
    const c = client;
    return {
      get: async (key) => text(await c.get(key)),
      set: async (key, value) => void (await c.set(key, value)),
      del: async (key) => void (await c.del(key)),
      setNxPx: async (key, value, ttlMs) => (await c.set(key, value, "PX", ttlMs, "NX")) === "OK",
      eval: (script, keys, args) => c.eval(script, keys.length, ...keys, ...args),
    };
  }
  if (isNodeRedis(client)) {
    const c = client;
    return {
      get: async (key) => text(await c.get(key)),
      set: async (key, value) => void (await c.set(key, value)),
      del: async (key) => void (await c.del(key)),
      // The { PX, NX } form is understood by node-redis 4 through 6 (6 also has `expiration`).
      setNxPx: async (key, value, ttlMs) => text(await c.set(key, value, { PX: ttlMs, NX: true })) === "OK",
      eval: (script, keys, args) => c.eval(script, { keys, arguments: args }),
    };
  }
  throw new TypeError(
    `${what}: client must be a connected ioredis client (new Redis(url)) or node-redis v4+ client (await createClient({ url }).connect())`,
  );
}

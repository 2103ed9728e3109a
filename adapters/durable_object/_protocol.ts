// What passes between DurableObjectStore / DurableObjectLock and TDAuthDurableObject: one JSON POST
// per operation to the object's stub. Structural types, so no Workers type package is needed.

/**
 * The Durable Object namespace binding, as `env.TDAUTH_DO` offers it (the parts tdauth uses).
 * @example
 * ```ts
 * const namespace = env.TDAUTH_DO as DurableObjectNamespaceLike;
 * ```
 */
export interface DurableObjectNamespaceLike {
  /** The id of the object called `name`: the same object for the same name, from every isolate. */
  idFromName(name: string): unknown;
  /** A stub of the object with that id, whose `fetch` reaches its `fetch`. */
  get(id: never): { fetch(input: string, init?: RequestInit): Promise<Response> };
}

/**
 * The storage of a Durable Object, as its `state.storage` offers it (the parts tdauth uses).
 * @example
 * ```ts
 * const storage: DurableObjectStorageLike = state.storage;
 * ```
 */
export interface DurableObjectStorageLike {
  /** The value stored under `key`, or undefined. */
  get(key: string): Promise<unknown>;
  /** Stores `value` under `key`. */
  put(key: string, value: unknown): Promise<void>;
  /** Deletes `key`; whether it was there. */
  delete(key: string): Promise<boolean>;
  /** The entries whose keys start with `prefix`. */
  list(options: { prefix: string }): Promise<Map<string, unknown>>;
}

/**
 * A Durable Object's state, the first argument of its constructor (the part tdauth uses).
 * @example
 * ```ts
 * const state: DurableObjectStateLike = { storage };
 * ```
 */
export interface DurableObjectStateLike {
  /** The object's own transactional storage. */
  storage: DurableObjectStorageLike;
}

/** The operations the object answers, each at its own path. */
export type Operation = "load" | "save" | "clear" | "acquire" | "extend" | "release" | "once" | "read_notice" | "write_notice";

/** The origin of the requests to the stub: never a host on the network, only a name for the object's router. */
const ORIGIN = "https://tdauth.durable-object";

/** The object that holds the session when none is named. */
export const DEFAULT_NAME = "tdauth";

/**
 * Checks a namespace binding, naming the caller in the TypeError (`new DurableObjectStore(namespace)`).
 * @example
 * ```ts
 * this.#namespace = namespaceOf(namespace, "new DurableObjectStore(namespace)");
 * ```
 */
export function namespaceOf(namespace: unknown, what: string): DurableObjectNamespaceLike {
  const ns = namespace as Partial<DurableObjectNamespaceLike> | null | undefined;
  if (typeof ns?.idFromName !== "function" || typeof ns.get !== "function") {
    throw new TypeError(
      `${what}: namespace is not a Durable Object namespace binding; bind TDAuthDurableObject under ` +
        "[[durable_objects.bindings]] in wrangler.toml and pass env.<its name>",
    );
  }
  return ns as DurableObjectNamespaceLike;
}

/**
 * `options.name` (default {@link DEFAULT_NAME}) checked, naming the caller in the TypeError.
 * @example
 * ```ts
 * this.name = objectName(options.name, "new DurableObjectStore(namespace, { name })");
 * ```
 */
export function objectName(name: unknown, what: string): string {
  if (name === undefined) return DEFAULT_NAME;
  if (typeof name !== "string" || name === "") throw new TypeError(`${what}: name must be a non-empty string`);
  return name;
}

/**
 * Sends one operation to the object named `name` and answers its JSON; a reply that is not 2xx
 * throws an Error with the object's message.
 *
 * @example
 * ```ts
 * const { tokens } = await callObject<{ tokens: string | null }>(namespace, "tdauth", "load", {});
 * ```
 */
export async function callObject<T>(
  namespace: DurableObjectNamespaceLike,
  name: string,
  operation: Operation,
  body: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<T> {
  // A stub per call: a stub made while serving one request should not be used by another.
  const stub = namespace.get(namespace.idFromName(name) as never);
  const response = await stub.fetch(`${ORIGIN}/${operation}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  const text = await response.text();
  if (!response.ok) {
    const detail = (() => {
      try {
        return String((JSON.parse(text) as { error?: unknown }).error ?? `HTTP ${response.status}`);
      } catch {
        return `HTTP ${response.status}`;
      }
    })();
    throw new Error(`the Durable Object "${name}" refused ${operation}: ${detail}`);
  }
  return JSON.parse(text) as T;
}

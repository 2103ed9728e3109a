// DurableObjectStore: a TokenStore in a TDAuthDurableObject, strongly consistent (every read sees
// the last write, from whichever isolate), unlike Workers KV.

import { StoreError } from "../../core/errors.ts";
import type { Lock, StoredTokens, TokenStore } from "../../core/types.ts";
import { parseStoredTokens, serializeTokens } from "../_shared/tokens.ts";
import { callObject, type DurableObjectNamespaceLike, namespaceOf, objectName, type Operation } from "./_protocol.ts";
import { DurableObjectLock } from "./lock.ts";

/** Options of {@link DurableObjectStore}. */
export interface DurableObjectStoreOptions {
  /** The name of the object that holds the session (`namespace.idFromName(name)`): one per session. Default "tdauth". */
  name?: string;
}

/**
 * Keeps one session's tokens in a {@link TDAuthDurableObject}, reached through its namespace
 * binding. Its {@link DurableObjectStore.defaultLock} is a {@link DurableObjectLock} on the same
 * object, so `new AuthSession({ provider, store: new DurableObjectStore(env.TDAUTH_DO) })`
 * refreshes once per expiry across every isolate. What is loaded is checked: anything that is not
 * tdauth's JSON raises a StoreError naming the object, and the stored value is left untouched.
 *
 * @example
 * ```ts
 * import { AuthSession, schwab } from "tdauth";
 * import { DurableObjectStore } from "tdauth/durable-object";
 * const session = new AuthSession({ provider: schwab({ clientId, clientSecret, redirectURI }), store: new DurableObjectStore(env.TDAUTH_DO) });
 * const token = await session.accessToken();
 * ```
 */
export class DurableObjectStore implements TokenStore {
  /** The object's name. */
  readonly name: string;
  /** Where the tokens are: sessions of one isolate on the same object share their in-process lock by it. */
  readonly lockKey: string;
  readonly #namespace: DurableObjectNamespaceLike;

  /** A store on the object called `options.name` (default "tdauth") of `namespace`, the binding (e.g. `env.TDAUTH_DO`). */
  constructor(namespace: DurableObjectNamespaceLike, options: DurableObjectStoreOptions = {}) {
    this.#namespace = namespaceOf(namespace, "new DurableObjectStore(namespace)");
    this.name = objectName(options.name, "new DurableObjectStore(namespace, { name })");
    this.lockKey = `durable-object:${this.name}`;
  }

  /**
   * The lock a session on this store uses when given none: the object's own lease.
   * @example
   * ```ts
   * const release = await store.defaultLock().acquire({ timeoutMs: 10_000 });
   * ```
   */
  defaultLock(): Lock {
    return new DurableObjectLock(this.#namespace, { name: this.name });
  }

  /**
   * The stored tokens, or null when none are stored.
   * @example
   * ```ts
   * const tokens = await store.load();
   * ```
   */
  async load(): Promise<StoredTokens | null> {
    const { tokens } = await this.#call<{ tokens: string | null }>("load", {}, "read");
    return tokens === null ? null : parseStoredTokens(tokens, this.#where(), "clear it (await store.clear())");
  }

  /**
   * Replaces the stored tokens (one write: readers see the old record or the new one).
   * @example
   * ```ts
   * await store.save(tokens);
   * ```
   */
  async save(tokens: StoredTokens): Promise<void> {
    await this.#call("save", { tokens: serializeTokens(tokens, "DurableObjectStore.save(tokens)") }, "write");
  }

  /**
   * Deletes the stored tokens; harmless when there are none.
   * @example
   * ```ts
   * await store.clear();
   * ```
   */
  async clear(): Promise<void> {
    await this.#call("clear", {}, "delete");
  }

  async #call<T>(operation: Operation, body: Record<string, unknown>, what: string): Promise<T> {
    try {
      return await callObject<T>(this.#namespace, this.name, operation, body);
    } catch (cause) {
      throw new StoreError(`could not ${what} ${this.#where()}: ${(cause as Error).message}`, { cause });
    }
  }

  #where(): string {
    return `the tokens in the Durable Object "${this.name}"`;
  }
}

// Where the Worker keeps the tokens, and how it marks a login used once: a Durable Object (strongly
// consistent, its lease the refresh lock, its marks atomic) or Workers KV (eventually consistent,
// no lock, marks that two replays at the same moment could both pass).

import type { TokenStore } from "../../core/types.ts";
import { callObject, type DurableObjectNamespaceLike } from "../durable_object/_protocol.ts";
import { DurableObjectStore } from "../durable_object/store.ts";
import type { KVNamespaceLike } from "../kv/kv.ts";
import { KvStore } from "../kv/store.ts";

/**
 * The Worker's token store, and its single-use marks.
 * @example
 * ```ts
 * const { store, firstUse } = kvStorage(env.TOKENS, "tdauth:tokens");
 * if (!(await firstUse("tdauth:login-used:abc", 600))) refuse();
 * ```
 */
export interface TokenStorage {
  store: TokenStore;
  /** Whether `key` is marked now for the first time within `ttlS` seconds. */
  firstUse(key: string, ttlS: number): Promise<boolean>;
  /** The record of the last re-login reminder, beside the tokens. */
  notice: NoticeStorage;
}

/**
 * Where the Worker keeps the record of its last re-login reminder.
 * @example
 * ```ts
 * await storage.notice.write(JSON.stringify({ session: 0, kind: "due", sentAt: Date.now() }));
 * ```
 */
export interface NoticeStorage {
  read(): Promise<string | null>;
  write(text: string): Promise<void>;
}

/** Where the last reminder is kept in the Worker's KV namespace. */
const NOTICE_KEY = "tdauth:notified";

/**
 * The tokens in a `TDAuthDurableObject`; sessions on its store lock its lease without being told.
 * @example
 * ```ts
 * const { store } = durableObjectStorage(env.TDAUTH_DO);
 * ```
 */
export function durableObjectStorage(namespace: DurableObjectNamespaceLike): TokenStorage {
  const store = new DurableObjectStore(namespace);
  return {
    store,
    firstUse: async (key, ttlS) => (await callObject<{ first: boolean }>(namespace, store.name, "once", { key, ttlMs: ttlS * 1000 })).first,
    notice: {
      read: async () => (await callObject<{ notice: string | null }>(namespace, store.name, "read_notice", {})).notice,
      write: async (notice) => void (await callObject(namespace, store.name, "write_notice", { notice })),
    },
  };
}

/**
 * The tokens in Workers KV under `key`.
 * @example
 * ```ts
 * const { store } = kvStorage(env.TOKENS, "tdauth:tokens");
 * ```
 */
export function kvStorage(kv: KVNamespaceLike, key: string): TokenStorage {
  return {
    store: new KvStore(kv, { key }),
    firstUse: async (mark, ttlS) => {
      if (await kv.get(mark, "text") !== null) return false;
      await kv.put(mark, "1", { expirationTtl: ttlS });
      return true;
    },
    notice: { read: () => kv.get(NOTICE_KEY, "text"), write: (notice) => kv.put(NOTICE_KEY, notice) },
  };
}

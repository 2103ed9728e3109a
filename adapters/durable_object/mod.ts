/**
 * `tdauth/durable-object`: one session's tokens and refresh lease in a Cloudflare Durable Object,
 * so a Worker served by many isolates refreshes once per expiry (Workers KV alone cannot lock: it
 * is eventually consistent and has no compare-and-set). Export {@link TDAuthDurableObject} from the
 * Worker and bind it as `TDAUTH_DO`: `createWorker` from `tdauth/worker` then uses it. For a Worker
 * of your own, {@link DurableObjectStore} is the TokenStore and brings {@link DurableObjectLock}.
 * Web APIs only: no `nodejs_compat` needed.
 *
 * @example
 * ```ts
 * // worker.ts
 * import { schwab } from "tdauth";
 * import { createWorker } from "tdauth/worker";
 * export { TDAuthDurableObject } from "tdauth/durable-object";
 * export default createWorker({
 *   provider: (env) => schwab({ clientId: env.APP_KEY as string, clientSecret: env.APP_SECRET as string, redirectURI: "https://auth.example.workers.dev/callback" }),
 * });
 * // wrangler.toml
 * // [[durable_objects.bindings]]
 * // name = "TDAUTH_DO"
 * // class_name = "TDAuthDurableObject"
 * // [[migrations]]
 * // tag = "v1"
 * // new_sqlite_classes = ["TDAuthDurableObject"]
 * ```
 * @module
 */

export { TDAuthDurableObject } from "./object.ts";
export { DurableObjectStore, type DurableObjectStoreOptions } from "./store.ts";
export { DurableObjectLock, type DurableObjectLockOptions } from "./lock.ts";
export type { DurableObjectNamespaceLike, DurableObjectStateLike, DurableObjectStorageLike } from "./_protocol.ts";
export type { LeaseOptions } from "../_shared/lease.ts";
export type { Lock, LockAcquireOptions, Release, StoredTokens, TokenStore } from "../../core/types.ts";

// TDAuthDurableObject: one session's tokens and its refresh lease, in one Durable Object that every
// isolate of a Worker reaches through its binding. A Durable Object runs one event at a time and
// delivers no other event while it waits for its storage (input gates), so a lease read and
// written in one request cannot be interleaved with another's: the compare-and-set Workers KV
// lacks. https://blog.cloudflare.com/durable-objects-easy-fast-correct-choose-three/

import type { DurableObjectStateLike, DurableObjectStorageLike } from "./_protocol.ts";

/** The lease as stored: who holds it and until when, by this object's clock (the only clock that decides). */
interface Lease {
  owner: string;
  expiresAt: number;
}

/** The longest lease and the longest wait one acquire may ask for: 10 minutes and 10 seconds. */
const MAX_TTL_MS = 600_000;
const MAX_WAIT_MS = 10_000;
/** A stored session may not outgrow this (a Durable Object value may hold 128 KiB). */
const MAX_TOKENS_CHARS = 65_536;

class BadRequest extends Error {}

function text(body: Record<string, unknown>, name: string, max: number): string {
  const value = body[name];
  if (typeof value !== "string" || value.length === 0 || value.length > max) {
    throw new BadRequest(`"${name}" must be a string of 1 to ${max} characters`);
  }
  return value;
}

function duration(body: Record<string, unknown>, name: string, max: number): number {
  const value = body[name];
  if (typeof value !== "number" || !(value >= 0) || value > max) throw new BadRequest(`"${name}" must be a number from 0 to ${max}`);
  return value;
}

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/**
 * A Durable Object holding one session's tokens and a refresh lease. Export it from the Worker
 * and bind it (default binding name `TDAUTH_DO`): `createWorker` then keeps the tokens here and
 * refreshes under its lease, so however many isolates serve the Worker, each expiry brings one
 * refresh. `DurableObjectStore` and `DurableObjectLock` are its clients, for a Worker of your own.
 *
 * It answers only its clients' JSON operations (POSTed by the binding's stub; nothing routes
 * a request from the internet to it). The lease expires by this object's clock, so isolates
 * need no agreeing clocks; a holder that stops extending it loses it after its TTL.
 *
 * @example
 * ```ts
 * // worker.ts
 * import { createWorker } from "tdauth/worker";
 * export { TDAuthDurableObject } from "tdauth/durable-object";
 * export default createWorker({ provider });
 * // wrangler.toml:
 * // [[durable_objects.bindings]]
 * // name = "TDAUTH_DO"
 * // class_name = "TDAuthDurableObject"
 * // [[migrations]]
 * // tag = "v1"
 * // new_sqlite_classes = ["TDAuthDurableObject"]
 * ```
 */
export class TDAuthDurableObject {
  readonly #storage: DurableObjectStorageLike;
  // Acquires waiting for the lease; a release wakes them at once instead of at their next try.
  readonly #waiting = new Set<() => void>();

  /** Called by the Workers runtime with the object's state (its storage) and the Worker's env. */
  constructor(state: DurableObjectStateLike, _env?: unknown) {
    this.#storage = state.storage;
  }

  /**
   * Answers one operation of `DurableObjectStore` or `DurableObjectLock`.
   * @example
   * ```ts
   * const response = await stub.fetch("https://tdauth.durable-object/load", { method: "POST", body: "{}" });
   * ```
   */
  async fetch(request: Request): Promise<Response> {
    if (request.method !== "POST") return json({ error: "POST a tdauth operation" }, 405);
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = await request.json();
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new BadRequest("the body is not a JSON object");
      body = parsed as Record<string, unknown>;
    } catch {
      return json({ error: "the body is not a JSON object" }, 400);
    }
    try {
      return json(await this.#answer(new URL(request.url).pathname.slice(1), body));
    } catch (error) {
      if (error instanceof BadRequest) return json({ error: error.message }, 400);
      throw error;
    }
  }

  #answer(operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    switch (operation) {
      case "load":
        return this.#storage.get("tokens").then((tokens) => ({ tokens: typeof tokens === "string" ? tokens : null }));
      case "save":
        return this.#storage.put("tokens", text(body, "tokens", MAX_TOKENS_CHARS)).then(() => ({}));
      case "clear":
        return this.#storage.delete("tokens").then(() => ({}));
      case "acquire":
        return this.#acquire(text(body, "owner", 128), duration(body, "ttlMs", MAX_TTL_MS), duration(body, "waitMs", MAX_WAIT_MS));
      case "extend":
        return this.#extend(text(body, "owner", 128), duration(body, "ttlMs", MAX_TTL_MS));
      case "release":
        return this.#release(text(body, "owner", 128));
      case "once":
        return this.#once(text(body, "key", 256), duration(body, "ttlMs", 86_400_000));
      // The Worker's record of its last re-login reminder (no secret: when, and for which login).
      case "read_notice":
        return this.#storage.get("notice").then((notice) => ({ notice: typeof notice === "string" ? notice : null }));
      case "write_notice":
        return this.#storage.put("notice", text(body, "notice", 1024)).then(() => ({}));
      default:
        throw new BadRequest(`unknown operation "${operation.slice(0, 40)}"`);
    }
  }

  async #lease(): Promise<Lease | undefined> {
    const lease = await this.#storage.get("lease") as Lease | undefined;
    return lease !== undefined && lease.expiresAt > Date.now() ? lease : undefined;
  }

  /** Takes the lease when it is free (or already this owner's), else waits for a release, up to `waitMs`. */
  async #acquire(owner: string, ttlMs: number, waitMs: number): Promise<{ acquired: boolean }> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      // Read and written without anything awaited in between but the storage: no other request runs meanwhile.
      const lease = await this.#lease();
      if (lease === undefined || lease.owner === owner) {
        await this.#storage.put("lease", { owner, expiresAt: Date.now() + ttlMs } satisfies Lease);
        return { acquired: true };
      }
      const left = deadline - Date.now();
      if (left <= 0) return { acquired: false };
      await this.#wait(Math.min(left, lease.expiresAt - Date.now()));
    }
  }

  async #extend(owner: string, ttlMs: number): Promise<{ extended: boolean }> {
    const lease = await this.#lease();
    if (lease?.owner !== owner) return { extended: false };
    await this.#storage.put("lease", { owner, expiresAt: Date.now() + ttlMs } satisfies Lease);
    return { extended: true };
  }

  async #release(owner: string): Promise<Record<string, never>> {
    const lease = await this.#lease();
    if (lease?.owner === owner) {
      await this.#storage.delete("lease");
      for (const wake of [...this.#waiting]) wake();
    }
    return {};
  }

  /** Whether `key` is seen for the first time within `ttlMs` (the Worker's single-use logins). */
  async #once(key: string, ttlMs: number): Promise<{ first: boolean }> {
    const now = Date.now();
    // Spent marks are dropped as they expire, so the object never fills with them.
    for (const [name, expiresAt] of await this.#storage.list({ prefix: "once:" })) {
      if (typeof expiresAt !== "number" || expiresAt <= now) await this.#storage.delete(name);
    }
    const seen = await this.#storage.get(`once:${key}`);
    if (typeof seen === "number" && seen > now) return { first: false };
    await this.#storage.put(`once:${key}`, now + ttlMs);
    return { first: true };
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, ms));
      this.#waiting.add(wake);
    });
  }
}

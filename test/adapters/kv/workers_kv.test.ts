// KvStore on a Workers-KV-shaped namespace, and KvLock's refusal of Workers KV (real workerd
// tests run elsewhere; this checks the adapter's side of the contract in Node).
import { describe, expect, it } from "vitest";
import { KvLock } from "../../../adapters/kv/lock.ts";
import { KvStore, workersKv } from "../../../adapters/kv/store.ts";
import { StoreError } from "../../../core/errors.ts";
import type { StoredTokens } from "../../../core/types.ts";

/** A KVNamespace as small as the real binding's surface that tdauth touches. */
function memoryNamespace() {
  const data = new Map<string, string>();
  const puts: { key: string; options?: { expirationTtl?: number } }[] = [];
  return {
    data,
    puts,
    // Promise-returning like the binding, and throwing inside the promise as it does.
    get(key: string, type?: "text"): Promise<string | null> {
      if (type !== undefined && type !== "text") return Promise.reject(new Error(`unexpected type ${type}`));
      return Promise.resolve(data.get(key) ?? null);
    },
    put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void> {
      if (typeof value !== "string") return Promise.reject(new TypeError("Workers KV stores strings here"));
      if (options?.expirationTtl !== undefined && options.expirationTtl < 60) {
        return Promise.reject(new Error("expirationTtl must be at least 60"));
      }
      puts.push({ key, options });
      data.set(key, value);
      return Promise.resolve();
    },
    delete(key: string): Promise<void> {
      data.delete(key);
      return Promise.resolve();
    },
    list(): Promise<{ keys: { name: string }[] }> {
      return Promise.resolve({ keys: [...data.keys()].map((name) => ({ name })) });
    },
  };
}

const tokens: StoredTokens = {
  accessToken: "AT-secret",
  refreshToken: "RT-secret",
  tokenType: "Bearer",
  accessExpiresAt: 1_700_000_000_000,
  refreshExpiresAt: 1_700_600_000_000,
  authorizedAt: 1_699_999_000_000,
  provider: "td-ameritrade",
};

describe("KvStore on Workers KV", () => {
  it("takes env.TOKENS directly and round-trips the tokens as JSON text under tdauth:tokens", async () => {
    const ns = memoryNamespace();
    const store = new KvStore(ns);
    expect(await store.load()).toBeNull();
    await store.save(tokens);
    expect(JSON.parse(ns.data.get("tdauth:tokens")!)).toEqual(tokens);
    expect(await store.load()).toEqual(tokens);
    await store.clear();
    expect(await store.load()).toBeNull();
    expect(ns.data.size).toBe(0);
  });

  it("works the same through workersKv() and with a custom key", async () => {
    const ns = memoryNamespace();
    const store = new KvStore(workersKv(ns), { key: "schwab:tokens" });
    await store.save(tokens);
    expect([...ns.data.keys()]).toEqual(["schwab:tokens"]);
    expect(await store.load()).toEqual(tokens);
  });

  it("raises a StoreError naming the key and the fix for garbage, and leaves the value", async () => {
    const ns = memoryNamespace();
    ns.data.set("tdauth:tokens", "AT-secret not json");
    const err = await new KvStore(ns).load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain('Workers KV key "tdauth:tokens"');
    expect((err as Error).message).toContain("store.clear()");
    expect((err as Error).message).not.toContain("secret");
    expect(ns.data.get("tdauth:tokens")).toBe("AT-secret not json");
  });

  it("rounds a short TTL up to Workers KV's 60 s minimum", async () => {
    const ns = memoryNamespace();
    await workersKv(ns).set("k", "v", { ttlMs: 5_000 });
    await workersKv(ns).set("k2", "v", { ttlMs: 90_500 });
    expect(ns.puts.map((p) => p.options?.expirationTtl)).toEqual([60, 91]);
  });

  it("refuses what is not a KV with a TypeError naming the argument", () => {
    expect(() => new KvStore({} as never)).toThrow(/new KvStore\(kv\): kv must be a Deno.Kv/);
    expect(() => new KvStore(memoryNamespace(), { key: "" })).toThrow(/key/);
  });
});

describe("KvLock on Workers KV", () => {
  it("is refused, raw or wrapped, with why (eventual consistency) and what to use instead", () => {
    for (const kv of [memoryNamespace(), workersKv(memoryNamespace())]) {
      let err: unknown;
      try {
        new KvLock(kv as never);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TypeError);
      const msg = (err as Error).message;
      expect(msg).toMatch(/eventually consistent/);
      expect(msg).toMatch(/compare-and-set/);
      expect(msg).toMatch(/Deno KV/);
      expect(msg).toMatch(/RedisLock/);
      expect(msg).toMatch(/Durable Object/);
    }
  });
});

// RedisStore against a real redis-server, with both client libraries.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStore } from "../../../adapters/redis/store.ts";
import { StoreError } from "../../../core/errors.ts";
import type { StoredTokens } from "../../../core/types.ts";
import { type AnyClient, type ClientLib, connect, startTestRedis, uniquePrefix } from "../../helpers/redis.ts";

const redis = await startTestRedis();
afterAll(() => redis?.stop());

const tokens: StoredTokens = {
  accessToken: "AT-secret-value",
  refreshToken: "RT-secret-value",
  tokenType: "Bearer",
  scope: "PlaceTrades AccountAccess",
  accessExpiresAt: 1_700_000_000_000,
  refreshExpiresAt: 1_707_776_000_000,
  authorizedAt: 1_699_998_200_000,
  provider: "schwab",
  clientId: "APP",
};

describe.skipIf(redis === null).each<ClientLib>(["ioredis", "node-redis"])("RedisStore with %s", (lib) => {
  let c: AnyClient;
  beforeAll(async () => {
    c = await connect(lib, redis!.url);
  });
  afterAll(() => c?.close());

  it("loads null when nothing is stored, then round-trips every field", async () => {
    const store = new RedisStore(c.client as never, { prefix: uniquePrefix(lib) });
    expect(await store.load()).toBeNull();
    await store.save(tokens);
    expect(await store.load()).toEqual(tokens);
    const rotated = { ...tokens, accessToken: "AT2", refreshToken: "RT2", expired: { at: 5, reason: "invalid_grant" } };
    await store.save(rotated);
    expect(await store.load()).toEqual(rotated);
  });

  it("keeps the JSON under prefix + key (default key tdauth:tokens)", async () => {
    const prefix = uniquePrefix(lib);
    const store = new RedisStore(c.client as never, { prefix });
    expect(store.key).toBe(`${prefix}tdauth:tokens`);
    await store.save(tokens);
    expect(JSON.parse((await c.raw.get(`${prefix}tdauth:tokens`))!)).toEqual(tokens);
    const custom = new RedisStore(c.client as never, { prefix, key: "schwab" });
    expect(await custom.load()).toBeNull();
  });

  it("clear() deletes the tokens and is harmless twice", async () => {
    const store = new RedisStore(c.client as never, { prefix: uniquePrefix(lib) });
    await store.save(tokens);
    await store.clear();
    expect(await store.load()).toBeNull();
    await store.clear();
    expect(await c.raw.get(store.key)).toBeNull();
  });

  it("raises a StoreError naming the key and the fix for garbage, without quoting it, and leaves it", async () => {
    const store = new RedisStore(c.client as never, { prefix: uniquePrefix(lib) });
    const garbage = '{"accessToken": "AT-secret-value", oops';
    await c.raw.set(store.key, garbage);
    const err = await store.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe("STORE_ERROR");
    expect((err as Error).message).toContain(`Redis key "${store.key}"`);
    expect((err as Error).message).toContain(`DEL ${store.key}`);
    expect((err as Error).message).not.toContain("secret");
    expect(JSON.stringify(err)).not.toContain("secret");
    expect(await c.raw.get(store.key)).toBe(garbage);
  });

  it("refuses JSON that is not tdauth's shape, naming the field", async () => {
    const store = new RedisStore(c.client as never, { prefix: uniquePrefix(lib) });
    await c.raw.set(store.key, JSON.stringify({ ...tokens, accessExpiresAt: "tomorrow" }));
    await expect(store.load()).rejects.toThrow(/"accessExpiresAt" must be a number/);
    await c.raw.set(store.key, "[1,2]");
    await expect(store.load()).rejects.toBeInstanceOf(StoreError);
  });

  it("will not save what it could not load back", async () => {
    const store = new RedisStore(c.client as never, { prefix: uniquePrefix(lib) });
    await expect(store.save({ ...tokens, accessToken: "" })).rejects.toThrow(TypeError);
    expect(await store.load()).toBeNull();
  });
});

describe("RedisStore arguments", () => {
  it("throws a TypeError naming the argument for something that is not a Redis client", () => {
    expect(() => new RedisStore({} as never)).toThrow(/new RedisStore\(client\): client must be/);
    expect(() => new RedisStore(null as never)).toThrow(TypeError);
  });

  it("recognises cluster clients of both libraries by shape (no connection made)", async () => {
    const { Cluster } = await import("ioredis");
    const { createCluster } = await import("redis");
    const io = new Cluster([{ host: "127.0.0.1", port: 1 }], { lazyConnect: true });
    expect(new RedisStore(io).key).toBe("tdauth:tokens");
    expect(new RedisStore(createCluster({ rootNodes: [{ url: "redis://127.0.0.1:1" }] })).key).toBe("tdauth:tokens");
    io.disconnect();
  });
});

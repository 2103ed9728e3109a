// Sessions on one KV key or one Redis key in one process share the in-process lock (the stores'
// lockKey), even with a store object each: one refresh per expiry, and a rotated refresh token is
// never spent twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KvStore } from "../../../adapters/kv/store.ts";
import { RedisStore } from "../../../adapters/redis/store.ts";
import { AuthSession } from "../../../core/session.ts";
import type { TokenStore } from "../../../core/types.ts";
import { startEmulator } from "../../../emulator/mod.ts";
import { emulatorLogin, emulatorSchwab } from "../../helpers/login.ts";
import { connect, startTestRedis, uniquePrefix } from "../../helpers/redis.ts";

type Running = Awaited<ReturnType<typeof startEmulator>>;
let emu: Running;
const redis = await startTestRedis();
beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true, rotateRefreshTokens: true, reuseDetection: true });
});
afterAll(async () => {
  await emu.close();
  await redis?.stop();
});

/** A Workers KV binding over a Map. */
function memoryNamespace() {
  const data = new Map<string, string>();
  return {
    get: (key: string) => Promise.resolve(data.get(key) ?? null),
    put: (key: string, value: string) => Promise.resolve(void data.set(key, value)),
    delete: (key: string) => Promise.resolve(void data.delete(key)),
  };
}

/** Two sessions on two store objects for one location, whose clock has passed the access token's death. */
async function twoSessionsRefresh(makeStore: () => TokenStore): Promise<{ grants: number; reuse: number }> {
  const provider = emulatorSchwab(emu.url);
  await emulatorLogin(new AuthSession({ provider, store: makeStore() }));
  const later = () => Date.now() + 1_800_000;
  const a = new AuthSession({ provider, store: makeStore(), now: later });
  const b = new AuthSession({ provider, store: makeStore(), now: later });
  await Promise.all([a.status(), b.status()]);
  const before = emu.emulator.stats();
  await Promise.all([...Array.from({ length: 5 }, () => a.accessToken()), ...Array.from({ length: 5 }, () => b.accessToken())]);
  const after = emu.emulator.stats();
  return { grants: after.refreshGrants - before.refreshGrants, reuse: after.reuseDetections - before.reuseDetections };
}

describe("sessions on one key share a lock", () => {
  it("two KvStore objects on one Workers KV key: lockKey names the key, and one refresh is made", async () => {
    const ns = memoryNamespace();
    expect(new KvStore(ns, { key: "app:tokens" }).lockKey).toBe(new KvStore(ns, { key: "app:tokens" }).lockKey);
    expect(new KvStore(ns, { key: "app:tokens" }).lockKey).not.toBe(new KvStore(ns, { key: "other" }).lockKey);
    expect(await twoSessionsRefresh(() => new KvStore(ns, { key: "app:tokens" }))).toEqual({ grants: 1, reuse: 0 });
  });

  it.skipIf(redis === null)("two RedisStore objects on one Redis key: lockKey names the full key, and one refresh is made", async () => {
    const client = await connect("ioredis", redis!.url);
    try {
      const prefix = uniquePrefix("lock-key");
      const store = () => new RedisStore(client.client as never, { prefix });
      expect(store().lockKey).toBe(store().lockKey);
      expect(store().lockKey).toContain(`${prefix}tdauth:tokens`);
      expect(await twoSessionsRefresh(store)).toEqual({ grants: 1, reuse: 0 });
    } finally {
      await client.close();
    }
  });
});

// One process of a refresh storm: shares a store and lock with its siblings (file, Redis or
// Deno KV) and calls accessToken() in a loop, checking each token against the API. Runs on
// Node (through tsx) and on Deno. Prints one JSON line with what it saw.
import { AuthSession } from "../../core/session.ts";
import { schwab } from "../../core/providers/schwab.ts";
import type { Lock, TokenStore } from "../../core/types.ts";

const env = (name: string): string => {
  const value = (globalThis as { Deno?: { env: { get(n: string): string | undefined } } }).Deno?.env.get(name) ?? process.env[name];
  if (value === undefined) throw new Error(`storm worker: ${name} is not set`);
  return value;
};

async function backend(): Promise<{ store: TokenStore; lock: Lock; close: () => Promise<void> }> {
  const kind = env("STORM_BACKEND");
  if (kind === "file") {
    const { FileStore } = await import("../../adapters/file/store.ts");
    const { FileLock } = await import("../../adapters/file/lock.ts");
    const path = env("STORM_PATH");
    return { store: new FileStore(path), lock: new FileLock(`${path}.lock`, { staleMs: 5_000 }), close: async () => {} };
  }
  if (kind === "redis") {
    const { default: Redis } = await import("ioredis");
    const { RedisStore } = await import("../../adapters/redis/store.ts");
    const { RedisLock } = await import("../../adapters/redis/lock.ts");
    const client = new Redis(env("STORM_REDIS_URL"));
    const prefix = env("STORM_PATH");
    return {
      store: new RedisStore(client, { prefix }),
      lock: new RedisLock(client, { prefix }),
      close: () => Promise.resolve(void client.disconnect()),
    };
  }
  const deno = (globalThis as unknown as { Deno: { openKv(path: string): Promise<unknown> } }).Deno;
  const kv = await deno.openKv(env("STORM_PATH"));
  const { KvStore } = await import("../../adapters/kv/store.ts");
  const { KvLock } = await import("../../adapters/kv/lock.ts");
  return {
    store: new KvStore(kv as never),
    lock: new KvLock(kv as never, { ttlMs: 5_000 }),
    close: () => Promise.resolve((kv as { close(): void }).close()),
  };
}

const { store, lock, close } = await backend();
const session = new AuthSession({
  provider: schwab({
    clientId: env("STORM_CLIENT_ID"),
    clientSecret: env("STORM_CLIENT_SECRET"),
    redirectURI: env("STORM_REDIRECT_URI"),
    baseURL: env("STORM_EMULATOR"),
  }),
  store,
  lock,
  refreshAheadMs: Number(env("STORM_AHEAD_MS")),
});

if (env("STORM_MODE") === "login") {
  const { url } = await session.authorize();
  const response = await fetch(url, { redirect: "manual" });
  await session.complete(response.headers.get("location")!);
  console.log(JSON.stringify({ state: (await session.status()).state }));
} else {
  const end = Date.now() + Number(env("STORM_DURATION_MS"));
  let calls = 0;
  let apiCalls = 0;
  const errors: string[] = [];
  while (Date.now() < end) {
    try {
      await session.accessToken();
      calls++;
      if (calls % 10 === 0) {
        const response = await session.fetch("/trader/v1/accounts/accountNumbers");
        await response.body?.cancel();
        if (response.status !== 200) errors.push(`api ${response.status}`);
        apiCalls++;
      }
    } catch (error) {
      errors.push(String((error as Error).message).slice(0, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
  }
  const status = await session.status();
  console.log(JSON.stringify({ calls, apiCalls, errors: errors.slice(0, 5), errorCount: errors.length, state: status.state }));
}
await close();

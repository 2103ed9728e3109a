// RedisLock against a real redis-server, with both client libraries and real child processes.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisLock } from "../../../adapters/redis/lock.ts";
import { LockTimeoutError } from "../../../core/errors.ts";
import { type AnyClient, type ClientLib, connect, startTestRedis, uniquePrefix } from "../../helpers/redis.ts";

const redis = await startTestRedis();
afterAll(() => redis?.stop());

const child = new URL("./_counter_child.ts", import.meta.url).pathname;

function runChild(args: string[]): { done: Promise<string>; kill(): void; firstLine: Promise<string> } {
  const p = spawn(process.execPath, ["--import", "tsx", child, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  let onLine: (l: string) => void = () => {};
  const firstLine = new Promise<string>((r) => (onLine = r));
  p.stdout.on("data", (d) => {
    out += d;
    if (out.includes("\n")) onLine(out.split("\n")[0]!);
  });
  p.stderr.on("data", (d) => (err += d));
  const done = new Promise<string>((resolve, reject) =>
    p.on("exit", (code, sig) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code ?? sig}: ${err}`))))
  );
  return { done, firstLine, kill: () => p.kill("SIGKILL") };
}

describe.skipIf(redis === null).each<ClientLib>(["ioredis", "node-redis"])("RedisLock with %s", (lib) => {
  let c: AnyClient;
  beforeAll(async () => {
    c = await connect(lib, redis!.url);
  });
  afterAll(() => c?.close());

  it("is held by one owner at a time, with a 128-bit owner token and the TTL set", async () => {
    const lock = new RedisLock(c.client as never, { prefix: uniquePrefix(lib), ttlMs: 10_000 });
    const release = await lock.acquire();
    expect(await c.raw.get(lock.key)).toMatch(/^[0-9a-f]{32}$/);
    expect(await c.raw.pttl(lock.key)).toBeGreaterThan(9_000);
    await expect(lock.acquire({ timeoutMs: 50 })).rejects.toBeInstanceOf(LockTimeoutError);
    await release();
    await release(); // twice is harmless
    expect(await c.raw.get(lock.key)).toBeNull();
    const again = await lock.acquire({ timeoutMs: 50 });
    await again();
  });

  it("times out with a LockTimeoutError naming the key, not the owner token", async () => {
    const lock = new RedisLock(c.client as never, { prefix: uniquePrefix(lib) });
    const release = await lock.acquire();
    const owner = (await c.raw.get(lock.key))!;
    const started = Date.now();
    const err = await lock.acquire({ timeoutMs: 300 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as LockTimeoutError).code).toBe("LOCK_TIMEOUT");
    expect((err as Error).message).toContain(`Redis lock "${lock.key}"`);
    expect((err as Error).message).not.toContain(owner);
    await release();
  });

  it("stops waiting when the signal aborts, with the signal's reason, and never holds the lock after", async () => {
    const lock = new RedisLock(c.client as never, { prefix: uniquePrefix(lib) });
    const release = await lock.acquire();
    const ac = new AbortController();
    const reason = new Error("user cancelled");
    setTimeout(() => ac.abort(reason), 100);
    const started = Date.now();
    await expect(lock.acquire({ signal: ac.signal, timeoutMs: 10_000 })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(lock.acquire({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await release();
    // Already aborted: rejects without taking a free lock.
    await expect(lock.acquire({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(await c.raw.get(lock.key)).toBeNull();
  });

  it("heartbeats: a lock held for 4× its TTL is still held and its TTL keeps being renewed", async () => {
    const lock = new RedisLock(c.client as never, { prefix: uniquePrefix(lib), ttlMs: 300, heartbeatMs: 80 });
    const release = await lock.acquire();
    const owner = await c.raw.get(lock.key);
    // Real time: Redis expires the key on its own clock, which no test can move.
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await c.raw.get(lock.key)).toBe(owner);
    expect(await c.raw.pttl(lock.key)).toBeGreaterThan(0);
    await expect(lock.acquire({ timeoutMs: 0 })).rejects.toBeInstanceOf(LockTimeoutError);
    await release();
    expect(await c.raw.get(lock.key)).toBeNull();
  });

  it("releases only its own lease: after it expired and another owner took it, a late release leaves it", async () => {
    let reportLost!: (error: Error) => void;
    const reported = new Promise<Error>((resolve) => (reportLost = resolve));
    const prefix = uniquePrefix(lib);
    const a = new RedisLock(c.client as never, { prefix, ttlMs: 10_000, heartbeatMs: 50, onLost: reportLost });
    const b = new RedisLock(c.client as never, { prefix, ttlMs: 10_000 });
    const releaseA = await a.acquire();
    await c.raw.del(a.key); // A's lease expires (as if A had stalled past its TTL)
    const releaseB = await b.acquire({ timeoutMs: 1_000 });
    const ownerB = await c.raw.get(b.key);
    expect((await reported).message).toContain("was lost"); // A's next heartbeat finds the lease gone
    await releaseA();
    expect(await c.raw.get(b.key)).toBe(ownerB);
    expect(await c.raw.pttl(b.key)).toBeGreaterThan(9_000); // and A's heartbeat did not touch it
    await releaseB();
    expect(await c.raw.get(b.key)).toBeNull();
  });

  it("rejects bad options with a TypeError naming the option", () => {
    expect(() => new RedisLock(c.client as never, { ttlMs: 0 })).toThrow(/ttlMs/);
    expect(() => new RedisLock(c.client as never, { ttlMs: 1.5 })).toThrow(/ttlMs/);
    expect(() => new RedisLock(c.client as never, { ttlMs: 100, heartbeatMs: 100 })).toThrow(/heartbeatMs/);
    expect(() => new RedisLock({ set() {} } as never)).toThrow(/new RedisLock\(client\)/);
  });
});

describe.skipIf(redis === null)("RedisLock across processes", () => {
  it("4 processes (2 ioredis, 2 node-redis) doing read-modify-write under the lock lose no update", async () => {
    const prefix = uniquePrefix("storm");
    const per = 25;
    const libs: ClientLib[] = ["ioredis", "node-redis", "ioredis", "node-redis"];
    const outs = await Promise.all(libs.map((lib) => runChild(["count", lib, redis!.url, prefix, String(per)]).done));
    const c = await connect("ioredis", redis!.url);
    try {
      expect(Number(await c.raw.get(`${prefix}counter`))).toBe(libs.length * per);
      for (const out of outs) expect(JSON.parse(out.trim())).toEqual({ overlaps: 0 });
      expect(await c.raw.get(`${prefix}tdauth:lock`)).toBeNull();
    } finally {
      await c.close();
    }
  });

  it("a SIGKILLed holder's lock is taken over once its TTL (5 s) runs out, not before", async () => {
    const prefix = uniquePrefix("killed");
    const holder = runChild(["hold", "ioredis", redis!.url, prefix]);
    expect(await holder.firstLine).toBe("held");
    holder.kill();
    await holder.done.catch(() => {});
    const killedAt = Date.now();
    const c = await connect("node-redis", redis!.url);
    try {
      const lock = new RedisLock(c.client as never, { prefix, ttlMs: 5_000 });
      await expect(lock.acquire({ timeoutMs: 3_000 })).rejects.toBeInstanceOf(LockTimeoutError);
      const release = await lock.acquire({ timeoutMs: 5_000 });
      const waited = Date.now() - killedAt;
      expect(waited).toBeLessThan(5_000 + 1_000);
      await release();
    } finally {
      await c.close();
    }
  });
});

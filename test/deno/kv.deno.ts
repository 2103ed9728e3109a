// KvStore and KvLock on real Deno KV: in memory, and in a file shared by several Deno processes.
// The same file is the child program (TDAUTH_KV_CHILD set), so the suite needs no second entry.
import assert from "node:assert/strict";
import { KvLock } from "../../adapters/kv/lock.ts";
import { denoKv, type Kv, KvStore } from "../../adapters/kv/store.ts";
import { LockTimeoutError, StoreError } from "../../core/errors.ts";
import type { StoredTokens } from "../../core/types.ts";

const LOCK_KEY = ["tdauth", "tdauth:lock"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Awaits what a lock's heartbeat settles: its timer is unref'd, so something must keep Deno's event loop alive meanwhile. */
async function heartbeatSettles<T>(settled: Promise<T>): Promise<T> {
  const keepAlive = setInterval(() => {}, 1_000);
  try {
    return await settled;
  } finally {
    clearInterval(keepAlive);
  }
}

/**
 * Read-modify-write of a counter with a pause in the middle: two holders at once lose updates.
 * Goes through denoKv() as KvStore would, so it is retried when another process has the file.
 */
async function increment(kv: Deno.Kv, lock: KvLock, inside: { n: number; max: number }): Promise<void> {
  const counter: Kv = denoKv(kv, { prefix: [] });
  const release = await lock.acquire({ timeoutMs: 30_000 });
  try {
    inside.n++;
    inside.max = Math.max(inside.max, inside.n);
    const { value } = await counter.get("counter");
    await sleep(Math.random() * 3);
    await counter.set("counter", String(Number(value ?? "0") + 1));
    inside.n--;
  } finally {
    await release();
  }
}

const childMode = Deno.env.get("TDAUTH_KV_CHILD");
if (childMode) {
  const kv = await Deno.openKv(Deno.env.get("TDAUTH_KV_PATH")!);
  if (childMode === "hold") {
    await new KvLock(kv, { ttlMs: 1_000 }).acquire();
    console.log("held");
    setInterval(() => {}, 1_000); // until SIGKILL
  } else {
    const lock = new KvLock(kv, { pollMs: 20 });
    const inside = { n: 0, max: 0 };
    for (let i = 0; i < Number(childMode); i++) await increment(kv, lock, inside);
    kv.close();
    console.log("done");
  }
}

function spawnChild(mode: string, path: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", "--no-check", new URL(import.meta.url).pathname],
    env: { TDAUTH_KV_CHILD: mode, TDAUTH_KV_PATH: path },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

const tokens: StoredTokens = {
  accessToken: "AT-secret",
  refreshToken: "RT-secret",
  tokenType: "Bearer",
  accessExpiresAt: 1_700_000_000_000,
  refreshExpiresAt: 1_707_000_000_000,
  authorizedAt: 1_699_999_000_000,
  provider: "schwab",
  expired: { at: 1_700_000_100_000, reason: "invalid_grant" },
};

if (!childMode) {
  Deno.test('KvStore round-trips tokens on Deno KV, passed raw, under ["tdauth", key]', async () => {
    const kv = await Deno.openKv(":memory:");
    try {
      const store = new KvStore(kv);
      assert.equal(await store.load(), null);
      await store.save(tokens);
      assert.deepEqual(await store.load(), tokens);
      assert.deepEqual(JSON.parse((await kv.get<string>(["tdauth", "tdauth:tokens"])).value!), tokens);
      const other = new KvStore(denoKv(kv, { prefix: ["myapp", "prod"] }), { key: "schwab" });
      await other.save({ ...tokens, accessToken: "other" });
      assert.equal((await kv.get(["myapp", "prod", "schwab"])).versionstamp !== null, true);
      assert.deepEqual(await store.load(), tokens);
      await store.clear();
      assert.equal(await store.load(), null);
      assert.equal((await other.load())?.accessToken, "other");
    } finally {
      kv.close();
    }
  });

  Deno.test("KvStore: garbage under the key is a StoreError naming it; a hand-stored object is read", async () => {
    const kv = await Deno.openKv(":memory:");
    try {
      const store = new KvStore(kv);
      await kv.set(["tdauth", "tdauth:tokens"], "AT-secret garbage");
      await assert.rejects(store.load(), (err: Error) => {
        assert.ok(err instanceof StoreError);
        assert.match(err.message, /Deno KV key "tdauth:tokens"/);
        assert.doesNotMatch(err.message, /secret/);
        return true;
      });
      await kv.set(["tdauth", "tdauth:tokens"], { ...tokens });
      assert.deepEqual(await store.load(), tokens);
      await kv.set(["tdauth", "tdauth:tokens"], { accessToken: 5 });
      await assert.rejects(store.load(), /"accessToken" must be a non-empty string/);
    } finally {
      kv.close();
    }
  });

  Deno.test("KvLock: 20 concurrent acquirers with their own KvLock never overlap and lose no update", async () => {
    const kv = await Deno.openKv(":memory:");
    try {
      const inside = { n: 0, max: 0 };
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const lock = new KvLock(kv, { pollMs: 10 });
          for (let i = 0; i < 5; i++) await increment(kv, lock, inside);
        }),
      );
      assert.equal((await kv.get(["counter"])).value, "100");
      assert.equal(inside.max, 1);
      assert.equal((await kv.get(LOCK_KEY)).value, null);
    } finally {
      kv.close();
    }
  });

  Deno.test("KvLock: 3 Deno processes sharing one KV file lose no update", async () => {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/kv.sqlite`;
    try {
      const children = [0, 1, 2].map(() => spawnChild("15", path));
      const results = await Promise.all(children.map((c) => c.output()));
      for (const r of results) assert.equal(r.code, 0);
      const kv = await Deno.openKv(path);
      assert.equal((await kv.get(["counter"])).value, "45");
      kv.close();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test("KvLock: a SIGKILLed holder's lease (ttl 1 s) is taken over after it expires, not before", async () => {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/kv.sqlite`;
    const child = spawnChild("hold", path);
    try {
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let out = "";
      while (!out.includes("held")) out += (await reader.read()).value ?? "";
      child.kill("SIGKILL");
      await child.status;
      reader.releaseLock();
      const killedAt = Date.now();
      const kv = await Deno.openKv(path);
      const lock = new KvLock(kv, { ttlMs: 1_000 });
      await assert.rejects(lock.acquire({ timeoutMs: 300 }), LockTimeoutError);
      const release = await lock.acquire({ timeoutMs: 5_000 });
      assert.ok(Date.now() - killedAt < 2_000, `took over after ${Date.now() - killedAt} ms`);
      await release();
      kv.close();
    } finally {
      await child.stdout.cancel().catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test("KvLock: a late release after expiry and takeover leaves the new owner's lease", async () => {
    const kv = await Deno.openKv(":memory:");
    try {
      let lost!: (error: Error) => void;
      const reported = new Promise<Error>((resolve) => (lost = resolve));
      const a = new KvLock(kv, { ttlMs: 10_000, heartbeatMs: 50, onLost: lost });
      // B's clock is past A's expiry: A stalled that long (Deno deletes expired keys lazily).
      const b = new KvLock(kv, { ttlMs: 10_000, now: () => Date.now() + 20_000 });
      const releaseA = await a.acquire();
      const heldByA = JSON.parse((await kv.get<string>(LOCK_KEY)).value!).owner;
      const releaseB = await b.acquire({ timeoutMs: 1_000 });
      const ownerB = JSON.parse((await kv.get<string>(LOCK_KEY)).value!).owner;
      assert.notEqual(ownerB, heldByA);
      assert.match(ownerB, /^[0-9a-f]{32}$/);
      assert.match((await heartbeatSettles(reported)).message, /was lost/); // A's next heartbeat finds the lease gone
      await releaseA();
      assert.equal(JSON.parse((await kv.get<string>(LOCK_KEY)).value!).owner, ownerB);
      await releaseB();
      await releaseB();
      assert.equal((await kv.get(LOCK_KEY)).value, null);
    } finally {
      kv.close();
    }
  });

  Deno.test("KvLock: timeout names the lock, abort rejects with the reason, heartbeat keeps it", async () => {
    const kv = await Deno.openKv(":memory:");
    let offset = 0;
    const now = (): number => Date.now() + offset;
    try {
      const lock = new KvLock(kv, { ttlMs: 300, heartbeatMs: 80, now });
      const release = await lock.acquire();
      await assert.rejects(lock.acquire({ timeoutMs: 100 }), (err: Error) => {
        assert.ok(err instanceof LockTimeoutError);
        assert.match(err.message, /Deno KV lock "tdauth:lock" was not acquired within 100 ms/);
        return true;
      });
      const reason = new Error("cancelled");
      const ac = new AbortController();
      const waiting = lock.acquire({ signal: ac.signal });
      ac.abort(reason);
      await assert.rejects(waiting, (err) => err === reason);
      // The clock jumps 3× ttl ahead: only a heartbeat written since keeps the lease alive.
      offset += 1_000;
      const stamp = now();
      while (JSON.parse((await kv.get<string>(LOCK_KEY)).value!).expiresAt < stamp) await sleep(10);
      await assert.rejects(lock.acquire({ timeoutMs: 0 }), LockTimeoutError);
      await release();
      const again = await lock.acquire({ timeoutMs: 0 });
      await again();
    } finally {
      kv.close();
    }
  });
}

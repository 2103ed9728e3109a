// tdauth/durable-object in real workerd (miniflare): three Workers, each its own isolate, share one
// TDAuthDurableObject (the first defines it, the others bind it by script name) and no KV. A
// login lands the tokens there; with refresh-token rotation and reuse detection on the emulator,
// bursts of concurrent /token requests across the three bring one refresh per expiry and never a
// refresh token presented twice. The lease itself is driven from Node through the same binding.
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DurableObjectLock, type DurableObjectNamespaceLike, DurableObjectStore } from "../../../adapters/durable_object/mod.ts";
import { LockTimeoutError, StoreError } from "../../../core/errors.ts";
import { type RunningEmulator, startEmulator } from "../../../emulator/mod.ts";
import { freePort } from "../../helpers/port.ts";
import { approvedRedirect } from "../../helpers/login.ts";

const ADMIN = "admin-secret-for-tests-only";
const KEY = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const APP_KEY = "DurableObjectTestAppKey000000001";
const APP_SECRET = "DurableObjSecret";
/** Access tokens live 4 s, so the Workers' sessions (refresh at half-life) all want a refresh 2 s after each one. */
const LIFETIME_S = 4;
const WORKERS = ["a", "b", "c"] as const;
const admin = { authorization: `Bearer ${ADMIN}` };
let emu: RunningEmulator;
let mf: Miniflare;
let origin: string;
let bundle: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true, rotateRefreshTokens: true, reuseDetection: true });
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  emu.emulator.registerApp({ flavour: "schwab", clientId: APP_KEY, clientSecret: APP_SECRET, redirectURIs: [`${origin}/callback`] });
  const built = await build({
    entryPoints: [new URL("./entry.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    write: false,
  });
  bundle = built.outputFiles[0]!.text;
  const bindings = { ADMIN_SECRET: ADMIN, TDAUTH_KEY: KEY, APP_KEY, APP_SECRET, REDIRECT_URI: `${origin}/callback`, EMULATOR: emu.url };
  mf = new Miniflare({
    host: "127.0.0.1",
    port,
    workers: WORKERS.map((name, i) => ({
      name,
      modules: true,
      script: bundle,
      compatibilityDate: "2025-01-01",
      bindings,
      durableObjects: { TDAUTH_DO: i === 0 ? "TDAuthDurableObject" : { className: "TDAuthDurableObject", scriptName: "a" } },
    })),
  });
  await mf.ready;
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  await emu?.close();
});

/** A request to one of the Workers (each is its own isolate). */
async function call(worker: (typeof WORKERS)[number], path: string, init: RequestInit = {}): Promise<Response> {
  const fetcher = await mf.getWorker(worker);
  return (await fetcher.fetch(`${origin}${path}`, init as never)) as unknown as Response;
}

interface TokenReply {
  accessToken: string;
  expiresAt: number;
}

describe("tdauth/durable-object in workerd", () => {
  it("bundles for Workers without a node: import", () => {
    expect(bundle).not.toMatch(/["']node:/);
  });

  it("logs in through one Worker and serves the same tokens from all three, with no KV; a replayed callback is refused", async () => {
    emu.emulator.configure({ accessTokenLifetimeS: LIFETIME_S });
    const login = await call("a", "/login", { method: "POST", body: new URLSearchParams({ secret: ADMIN }), redirect: "manual" });
    expect(login.status).toBe(303);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const callback = await approvedRedirect(login.headers.get("location")!);
    const done = await call("b", new URL(callback).pathname + new URL(callback).search, { headers: { cookie } });
    expect(done.status, await done.clone().text()).toBe(200);
    await done.body?.cancel();
    const tokens = await Promise.all(
      WORKERS.map(async (w) => ((await (await call(w, "/token", { headers: admin })).json()) as TokenReply)),
    );
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    // The single-use mark lives in the Durable Object: a replay through another isolate is refused too.
    const replay = await call("c", new URL(callback).pathname + new URL(callback).search, { headers: { cookie } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("already completed");
    expect(emu.emulator.stats().authorizationCodeGrants).toBe(1);
  });

  it("refreshes once per expiry for bursts of concurrent /token requests across three isolates, reusing no refresh token", async () => {
    let previous = (await (await call("a", "/token", { headers: admin })).json()) as TokenReply;
    for (let round = 0; round < 3; round++) {
      // Past the half-life (the Workers' refresh point), with more than a second of the token left.
      const due = previous.expiresAt - (LIFETIME_S * 1000) / 2 + 500;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      const before = emu.emulator.stats().refreshGrants;
      const replies = await Promise.all(
        Array.from({ length: 30 }, (_, i) => call(WORKERS[i % 3]!, "/token", { headers: admin })),
      );
      const tokens = await Promise.all(replies.map(async (r) => {
        expect(r.status).toBe(200);
        return (await r.json()) as TokenReply;
      }));
      expect(emu.emulator.stats().refreshGrants - before, `round ${round}`).toBe(1);
      expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set([tokens[0]!.accessToken]));
      expect(tokens[0]!.accessToken).not.toBe(previous.accessToken);
      previous = tokens[0]!;
    }
    const stats = emu.emulator.stats();
    expect(stats.reuseDetections).toBe(0);
    expect(stats.revokedGrants).toBe(0);
    expect(stats.refreshTokensIssued).toBe(1 + 3);
  }, 60_000);
});

describe("DurableObjectLock and DurableObjectStore on the object, from Node through the binding", () => {
  const namespace = async (): Promise<DurableObjectNamespaceLike> =>
    (await mf.getDurableObjectNamespace("TDAUTH_DO", "a")) as unknown as DurableObjectNamespaceLike;

  it("hands the lease to one owner at a time, wakes a waiter on release, and times out a waiter that waits too long", async () => {
    const ns = await namespace();
    const first = new DurableObjectLock(ns, { name: "lock-test" });
    const second = new DurableObjectLock(ns, { name: "lock-test", ttlMs: 5_000 });
    const release = await first.acquire({ timeoutMs: 1_000 });
    await expect(second.acquire({ timeoutMs: 300 })).rejects.toBeInstanceOf(LockTimeoutError);
    const order: string[] = [];
    const waiting = second.acquire({ timeoutMs: 10_000 }).then((r) => (order.push("second acquired"), r));
    await new Promise((resolve) => setTimeout(resolve, 200));
    order.push("first releases");
    await release();
    const releaseSecond = await waiting;
    expect(order).toEqual(["first releases", "second acquired"]);
    await releaseSecond();
  });

  it("lets a holder that stops extending its lease lose it after ttlMs, by the object's clock", async () => {
    const ns = await namespace();
    // A holder that took the lease and died: no heartbeat, no release.
    const stub = ns.get(ns.idFromName("ttl-test") as never);
    const taken = await stub.fetch("https://tdauth.durable-object/acquire", {
      method: "POST",
      body: JSON.stringify({ owner: "died", ttlMs: 400, waitMs: 0 }),
    });
    expect(await taken.json()).toEqual({ acquired: true });
    const lock = new DurableObjectLock(ns, { name: "ttl-test" });
    await expect(lock.acquire({ timeoutMs: 50 })).rejects.toBeInstanceOf(LockTimeoutError);
    const release = await lock.acquire({ timeoutMs: 5_000 });
    // The dead holder's late release is not the new owner's: the lease stays held.
    await stub.fetch("https://tdauth.durable-object/release", { method: "POST", body: JSON.stringify({ owner: "died" }) });
    await expect(new DurableObjectLock(ns, { name: "ttl-test" }).acquire({ timeoutMs: 50 })).rejects.toBeInstanceOf(LockTimeoutError);
    await release();
  });

  it("keeps tokens, refuses what is not tdauth's, and says which object", async () => {
    const ns = await namespace();
    const store = new DurableObjectStore(ns, { name: "store-test" });
    expect(await store.load()).toBeNull();
    const tokens = {
      accessToken: "AT",
      refreshToken: "RT",
      tokenType: "Bearer",
      accessExpiresAt: Date.now() + 60_000,
      authorizedAt: Date.now(),
    };
    await store.save(tokens);
    expect(await new DurableObjectStore(ns, { name: "store-test" }).load()).toEqual(tokens);
    expect(store.lockKey).toBe("durable-object:store-test");
    expect(store.defaultLock()).toBeInstanceOf(DurableObjectLock);
    await store.clear();
    expect(await store.load()).toBeNull();
    const stub = ns.get(ns.idFromName("store-test") as never);
    await stub.fetch("https://tdauth.durable-object/save", { method: "POST", body: JSON.stringify({ tokens: "not json" }) });
    await expect(store.load()).rejects.toThrow(/the tokens in the Durable Object "store-test" does not hold tdauth tokens/);
    const refused = await stub.fetch("https://tdauth.durable-object/acquire", {
      method: "POST",
      body: JSON.stringify({ owner: "x", ttlMs: -1 }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: '"ttlMs" must be a number from 0 to 600000' });
    await expect(new DurableObjectStore({ idFromName: () => "x", get: () => ({ fetch: () => Promise.reject(new Error("gone")) }) }).load())
      .rejects.toBeInstanceOf(StoreError);
    expect(() => new DurableObjectStore({} as never)).toThrow(/namespace is not a Durable Object namespace binding/);
  });
});

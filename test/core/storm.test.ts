// The refresh storm: 8 OS processes share one session (file, Redis or Deno KV) for
// 10 s against the emulator with 2-second access tokens and refresh-token rotation with reuse
// detection. One refresh per expiry window, no reuse, everyone authenticated at the end.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SCHWAB_APP, startEmulator } from "../../emulator/mod.ts";
import { haveRedis, startTestRedis, type TestRedis, uniquePrefix } from "../helpers/redis.ts";

const PROCESSES = 8;
const DURATION_MS = 10_000;
const LIFETIME_S = 2;
const AHEAD_MS = 500;
const root = new URL("../..", import.meta.url).pathname;
const worker = join(root, "test/core/_storm_worker.ts");
const withRedis = haveRedis();

type Running = Awaited<ReturnType<typeof startEmulator>>;
let emu: Running;
let redis: TestRedis | null;
let dir: string;

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    autoApprove: true,
    accessTokenLifetimeS: LIFETIME_S,
    rotateRefreshTokens: true,
    reuseDetection: true,
    rateLimitPerMinute: 100_000,
  });
  redis = withRedis ? await startTestRedis() : null;
  dir = mkdtempSync(join(tmpdir(), "tdauth-storm-"));
});
afterAll(async () => {
  await emu.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface WorkerResult {
  calls: number;
  apiCalls: number;
  errors: string[];
  errorCount: number;
  state: string;
}

function run(runtime: "node" | "deno", env: Record<string, string>): Promise<WorkerResult> {
  const [cmd, args] = runtime === "node"
    ? [process.execPath, ["--import", "tsx", worker]]
    : [join(root, "node_modules/.bin/deno"), ["run", "-A", "--unstable-kv", "--no-check", worker]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: {
        ...process.env,
        STORM_EMULATOR: emu.url,
        STORM_CLIENT_ID: DEFAULT_SCHWAB_APP.clientId,
        STORM_CLIENT_SECRET: DEFAULT_SCHWAB_APP.clientSecret!,
        STORM_REDIRECT_URI: DEFAULT_SCHWAB_APP.redirectURIs[0]!,
        STORM_AHEAD_MS: String(AHEAD_MS),
        STORM_DURATION_MS: String(DURATION_MS),
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0) reject(new Error(`storm worker exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(line) as WorkerResult);
    });
  });
}

async function storm(runtime: "node" | "deno", env: Record<string, string>): Promise<void> {
  emu.emulator.reset();
  const login = await run(runtime, { ...env, STORM_MODE: "login" });
  expect(login.state).toBe("authenticated");
  const refreshesBefore = emu.emulator.stats().refreshGrants;
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: PROCESSES }, () => run(runtime, { ...env, STORM_MODE: "storm" })));
  const elapsed = Date.now() - started;
  const stats = emu.emulator.stats();
  const refreshes = stats.refreshGrants - refreshesBefore;

  const calls = results.reduce((n, r) => n + r.calls, 0);
  console.log(
    `storm ${env.STORM_BACKEND}: ${calls} calls, ${refreshes} refreshes in ${elapsed} ms, reuse detections ${stats.reuseDetections}`,
  );
  expect(stats.reuseDetections).toBe(0);
  expect(stats.revokedGrants).toBe(0);
  for (const r of results) {
    expect(r.state).toBe("authenticated");
    expect(r.errors).toEqual([]);
    expect(r.calls).toBeGreaterThan(50);
  }
  // Each refresh buys LIFETIME - AHEAD of fresh token. Processes start staggered (runtime
  // start-up), so the window count is taken over the span they actually ran, and ±1.
  const windowMs = LIFETIME_S * 1000 - AHEAD_MS;
  const lo = Math.floor(DURATION_MS / windowMs) - 1;
  const hi = Math.ceil(elapsed / windowMs) + 1;
  expect(refreshes).toBeGreaterThanOrEqual(lo);
  expect(refreshes).toBeLessThanOrEqual(hi);
}

describe(`refresh storm: ${PROCESSES} processes, ${DURATION_MS / 1000} s, ${LIFETIME_S}-second tokens, rotation + reuse detection`, () => {
  it("FileStore + FileLock (Node processes)", async () => {
    await storm("node", { STORM_BACKEND: "file", STORM_PATH: join(dir, "file", "td_state.json") });
  }, 60_000);

  it.runIf(withRedis)("RedisStore + RedisLock (Node processes)", async () => {
    await storm("node", { STORM_BACKEND: "redis", STORM_REDIS_URL: redis!.url, STORM_PATH: uniquePrefix("storm") });
  }, 60_000);

  it("KvStore + KvLock on Deno KV (Deno processes)", async () => {
    await storm("deno", { STORM_BACKEND: "kv", STORM_PATH: join(dir, "storm.kv") });
  }, 90_000);
});

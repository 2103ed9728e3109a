// accessToken() with a fresh token against the floor, an `async () => cached`
// function, measured side by side in interleaved rounds (medians of ops/s and of the per-round
// ratio). Again with a FileStore + FileLock configured, counting store/lock operations and every
// node:fs call during the run (both must be 0).
// Run: node_modules/.bin/tsx bench/hot_path.bench.ts [--quick]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileLock } from "../adapters/file/lock.ts";
import { FileStore } from "../adapters/file/store.ts";
import { MemoryStore } from "../core/memory_store.ts";
import { schwab } from "../core/providers/schwab.ts";
import { AuthSession } from "../core/session.ts";
import type { Lock, StoredTokens, TokenStore } from "../core/types.ts";
import { countFsCalls } from "./_fs_counter.ts";
import { fmt, median } from "./_stats.ts";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 5 : 21;
const CALLS = quick ? 50_000 : 500_000;
const now = Date.now();
const tokens: StoredTokens = {
  accessToken: "BENCH-ACCESS",
  refreshToken: "BENCH-REFRESH",
  tokenType: "Bearer",
  accessExpiresAt: now + 1_800_000,
  refreshExpiresAt: now + 6 * 86_400_000,
  authorizedAt: now,
};
const provider = schwab({ clientId: "K".repeat(32), clientSecret: "S".repeat(16), redirectURI: "https://127.0.0.1:8182" });
// No request may happen: the fetch throws so a bug shows instead of a quiet slow number.
const noFetch = (() => Promise.reject(new Error("the hot path made a request"))) as typeof fetch;

async function opsPerSecond(fn: () => Promise<string>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) await fn();
  return CALLS / ((performance.now() - start) / 1000);
}

interface Comparison {
  label: string;
  floor: number;
  clocked: number;
  ours: number;
  ratio: number;
}

async function compare(label: string, session: AuthSession): Promise<Comparison> {
  await session.accessToken(); // the first call reads the store
  const cached = tokens.accessToken;
  // The floor is an async function by definition: what a caller awaits at the least.
  // deno-lint-ignore require-await
  const floor = async () => cached;
  // The least any expiring cache must do: read the clock once. Shows how much of the gap is that.
  const deadline = tokens.accessExpiresAt - 300_000;
  // deno-lint-ignore require-await
  const clock = async () => (Date.now() < deadline ? cached : "");
  const floors: number[] = [];
  const clocked: number[] = [];
  const ours: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    floors.push(await opsPerSecond(floor));
    clocked.push(await opsPerSecond(clock));
    ours.push(await opsPerSecond(() => session.accessToken()));
    // Per round, so a slow patch of the machine weighs on both sides of one ratio.
    ratios.push(floors[r]! / ours[r]!);
  }
  return { label, floor: median(floors), clocked: median(clocked), ours: median(ours), ratio: median(ratios) };
}

/** Wraps a store and a lock to count what the fresh path does to them. */
function counting(store: TokenStore, lock: Lock): { store: TokenStore; lock: Lock; ops: () => number } {
  let ops = 0;
  return {
    store: { load: () => (ops++, store.load()), save: (t) => (ops++, store.save(t)), clear: () => (ops++, store.clear()) },
    lock: { acquire: (o) => (ops++, lock.acquire(o)) },
    ops: () => ops,
  };
}

// Each configuration runs in a process of its own: two sessions in one process would make the
// shared call sites polymorphic and slow both down, which no real program sees.
const mode = process.argv.find((a) => a.startsWith("--config="))?.slice(9);
if (mode === undefined) {
  const { spawnSync } = await import("node:child_process");
  const run = (config: string) => {
    const r = spawnSync(process.execPath, [
      ...process.execArgv,
      new URL(import.meta.url).pathname,
      `--config=${config}`,
      ...(quick ? ["--quick"] : []),
    ], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as Comparison & { storeOps?: number; fsCalls?: number; fsCallsPerLoad?: number };
  };
  const memory = run("memory");
  const file = run("file");
  const rows = [memory, file].map((r) =>
    `| ${r.label} | ${fmt(r.floor)} | ${fmt(r.clocked)} (${(r.floor / r.clocked).toFixed(2)}x) | ${fmt(r.ours)} | ${
      r.ratio.toFixed(2)
    }x | ≤ 2x: ${r.ratio <= 2 ? "met" : "missed"} |`
  );
  console.log(
    `### Hot path: accessToken() with a fresh token (${ROUNDS} interleaved rounds of ${
      fmt(CALLS)
    } calls, medians, one process per configuration)

| configuration | floor \`async () => cached\` ops/s | with one \`Date.now()\` check, ops/s (slowdown) | accessToken() ops/s | slowdown (median of per-round ratios) | goal |
|---|---|---|---|---|---|
${rows.join("\n")}

During the FileStore + FileLock run (${
      fmt(ROUNDS * CALLS)
    } fresh calls): store/lock operations **${file.storeOps}**, node:fs calls **${file.fsCalls}**
(the counter's own check: one \`FileStore.load()\` makes ${file.fsCallsPerLoad} node:fs calls). The fresh path touches no disk.`,
  );
  console.log(
    `RESULT ${
      JSON.stringify({
        bench: "hot_path",
        memoryRatio: memory.ratio,
        fileRatio: file.ratio,
        storeOps: file.storeOps,
        fsCalls: file.fsCalls,
        fsCallsPerLoad: file.fsCallsPerLoad,
      })
    }`,
  );
} else if (mode === "memory") {
  console.log(
    JSON.stringify(await compare("MemoryStore (default)", new AuthSession({ provider, store: new MemoryStore(tokens), fetch: noFetch }))),
  );
} else {
  const dir = mkdtempSync(join(tmpdir(), "tdauth-bench-hot-"));
  try {
    const fs = countFsCalls();
    const fileStore = new FileStore(join(dir, "td_state.json"), { onWarning() {} });
    await fileStore.save(tokens);
    // Proves the counter sees the store's I/O, so a 0 below means no I/O, not a blind counter.
    const beforeLoad = fs.calls();
    await fileStore.load();
    const fsCallsPerLoad = fs.calls() - beforeLoad;
    const wrapped = counting(fileStore, new FileLock(join(dir, "td_state.json.lock")));
    const session = new AuthSession({ provider, store: wrapped.store, lock: wrapped.lock, fetch: noFetch });
    await session.accessToken();
    const storeBefore = wrapped.ops();
    const fsBefore = fs.calls();
    const result = await compare("FileStore + FileLock", session);
    console.log(JSON.stringify({ ...result, storeOps: wrapped.ops() - storeBefore, fsCalls: fs.calls() - fsBefore, fsCallsPerLoad }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

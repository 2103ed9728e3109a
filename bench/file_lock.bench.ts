// FileLock vs proper-lockfile, side by side in one run: uncontended acquire+release latency and
// 4-process contention throughput. `npx tsx bench/file_lock.bench.ts [--quick]`.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import lockfile from "proper-lockfile";
import { FileLock } from "../adapters/file/lock.ts";

type Acquire = () => Promise<() => Promise<void>>;

/**
 * One acquire function per contender, on lock files under `dir`. Both use a 10 s stale time and
 * their defaults otherwise. Waiting: FileLock polls from 1 ms up to 25 ms, jittered; proper-lockfile
 * gets the same through its `retries` (only when `wait`: its retry module builds the whole backoff
 * table on every lock() call, ~15 ms for 100k retries, which would swamp the uncontended figure).
 */
function contenders(dir: string, wait: boolean): Record<string, Acquire> {
  const target = join(dir, "td_state.json");
  writeFileSync(target, "{}");
  const fileLock = new FileLock(join(dir, "filelock.lock"), { staleMs: 10_000, retryMs: 25 });
  const retries = wait ? { retries: 2000, minTimeout: 1, maxTimeout: 25, randomize: true } : 0;
  return {
    FileLock: () => fileLock.acquire(wait ? { timeoutMs: 60_000 } : {}),
    "proper-lockfile": () => lockfile.lock(target, { stale: 10_000, retries }),
  };
}

async function uncontended(acquire: Acquire, iterations: number): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < Math.min(50, iterations); i++) await (await acquire())();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await (await acquire())();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, p95: times[Math.floor(times.length * 0.95)]! };
}

// A worker process: once loaded it says "ready", reads a start time (epoch ms) and then loops acquire+release for `durationMs` per
// contender, one contender after the other, and prints its counts as JSON.
async function worker(dir: string, durationMs: number): Promise<void> {
  const counts: Record<string, number> = {};
  const locks = contenders(dir, true);
  process.stdout.write("ready\n");
  const startAt = await new Promise<number>((r) => process.stdin.once("data", (d: Buffer) => r(Number(d.toString()))));
  process.stdin.pause();
  let at = startAt;
  for (const [name, acquire] of Object.entries(locks)) {
    await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
    const end = at + durationMs;
    let n = 0;
    while (Date.now() < end) {
      const release = await acquire();
      n++;
      await release();
    }
    counts[name] = n;
    at = end + 200;
  }
  process.stdout.write(JSON.stringify(counts));
}

async function contention(dir: string, processes: number, durationMs: number): Promise<Record<string, number>> {
  const script = fileURLToPath(import.meta.url);
  const children = Array.from({ length: processes }, () => {
    // execArgv carries tsx's loader, so the worker can import the .ts sources too.
    const child = spawn(process.execPath, [...process.execArgv, script, "--worker", dir, String(durationMs)], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    const ready = new Promise<void>((resolve) =>
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("ready\n")) resolve();
      })
    );
    const done = new Promise<Record<string, number>>((resolve, reject) =>
      child.on("exit", (code) => {
        code === 0 ? resolve(JSON.parse(out.slice(out.indexOf("ready\n") + 6))) : reject(new Error(`worker exited ${code}`));
      })
    );
    return { child, ready, done };
  });
  // Start together once every worker has loaded, however slow the machine is.
  await Promise.all(children.map((c) => c.ready));
  const startAt = Date.now() + 50;
  for (const c of children) c.child.stdin.end(String(startAt));
  const results = await Promise.all(children.map((c) => c.done));
  const totals: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r)) totals[k] = (totals[k] ?? 0) + v / (durationMs / 1000);
  return totals;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--worker") return worker(args[1]!, Number(args[2]));
  const quick = args.includes("--quick");
  const iterations = quick ? 300 : 5000;
  const durationMs = quick ? 400 : 3000;
  const dir = mkdtempSync(join(tmpdir(), "tdauth-bench-"));
  try {
    const rows: string[] = [];
    const latency: Record<string, { median: number; p95: number }> = {};
    for (const [name, acquire] of Object.entries(contenders(dir, false))) latency[name] = await uncontended(acquire, iterations);
    const throughput = await contention(dir, 4, durationMs);
    for (const name of Object.keys(latency)) {
      const { median, p95 } = latency[name]!;
      rows.push(`| ${name} | ${(median * 1000).toFixed(1)} µs | ${(p95 * 1000).toFixed(1)} µs | ${Math.round(throughput[name] ?? 0)} /s |`);
    }
    const ratio = latency["proper-lockfile"]!.median / latency.FileLock!.median;
    console.log(
      `\nFileLock vs proper-lockfile (Node ${process.version}, ${
        quick ? "quick: " : ""
      }${iterations} uncontended iterations, 4 processes for ${durationMs} ms)\n`,
    );
    console.log("| lock | uncontended acquire+release median | p95 | 4-process acquisitions |");
    console.log("|---|---|---|---|");
    for (const row of rows) console.log(row);
    console.log(`\nFileLock is ${ratio.toFixed(1)}x faster uncontended.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

#!/usr/bin/env node
// Runs every suite (vitest on Node, then Deno, then Bun) and ends with one plain
// "N passed, N failed" line, because CI reads that line and not vitest's, deno's or bun's. Before
// it, one line names the tests skipped for want of a tool and what to install; with
// TDAUTH_REQUIRE_TOOLS=1 (as .ci/run sets) a missing tool fails instead.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { readSkipLog, skipSummary } from "./_skips.mjs";

const root = new URL("..", import.meta.url).pathname;
const bin = (name) => join(root, "node_modules", ".bin", name);
const args = process.argv.slice(2);
const only = new Set((process.env.TDAUTH_SUITES ?? "lint,node,deno,bun").split(","));
const requireTools = process.env.TDAUTH_REQUIRE_TOOLS === "1";
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

// The test helpers append here whenever a missing tool skips tests (test/helpers/tools.ts).
mkdirSync(join(root, "test", "artifacts"), { recursive: true });
const skipLog = join(root, "test", "artifacts", "skipped_tools.jsonl");
rmSync(skipLog, { force: true });
process.env.TDAUTH_SKIP_LOG = skipLog;

function run(label, command, commandArgs, env = {}) {
  console.log(`\n=== ${label}: ${[command, ...commandArgs].join(" ")}`);
  const result = spawnSync(command, commandArgs, {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  process.stdout.write(result.stdout ?? "");
  return result;
}

function filesUnder(dir, suffix) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, suffix));
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}

function count(label, p, f, exitCode) {
  passed += p;
  failed += f;
  // A runner that crashed before reporting counts as one failure, never as silence.
  if (exitCode !== 0 && f === 0) {
    failed += 1;
    failures.push(`${label} (exit ${exitCode}, no failing test reported)`);
  } else if (f > 0) failures.push(`${label} (${f} failed)`);
}

if (only.has("lint") && args.length === 0) {
  // The tree stays formatted and lint-clean (deno.json holds both configurations): each gate
  // counts as one test, with the findings printed above the count.
  for (const [label, gate] of [["deno fmt --check", ["fmt", "--check"]], ["deno lint", ["lint"]]]) {
    const r = run(label, bin("deno"), gate);
    count(label, r.status === 0 ? 1 : 0, r.status === 0 ? 0 : 1, 0);
  }
}

if (only.has("node")) {
  const out = join(root, "test", "artifacts", "vitest.json");
  const r = run("node (vitest)", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile=${out}`, ...args]);
  let p = 0;
  let f = 0;
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, "utf8"));
    p = report.numPassedTests ?? 0;
    f = report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // Suites that failed to load report no tests; count each as a failure.
    f += (report.testResults ?? []).filter((s) => s.status === "failed" && (s.assertionResults ?? []).length === 0).length;
  }
  count("node", p, f, r.status ?? 1);
}

if (only.has("deno") && args.length === 0) {
  const files = filesUnder(join(root, "test", "deno"), ".deno.ts");
  if (files.length > 0) {
    const r = run("deno", bin("deno"), ["test", "-A", "--unstable-kv", "--no-check", ...files]);
    const m = /(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(r.stdout ?? "");
    count("deno", m ? Number(m[1]) : 0, m ? Number(m[2]) : 0, r.status ?? 1);
    skipped += Number(/\| (\d+) ignored/.exec(r.stdout ?? "")?.[1] ?? 0);
  }
}

if (only.has("bun") && args.length === 0) {
  // One bun process per file: bun runs every file of a `bun test` in one process, and a file
  // that loads @hono/node-server (which swaps the global Response) breaks Bun.serve for the rest.
  for (const file of filesUnder(join(root, "test", "bun"), ".bun.ts")) {
    const rel = `./${file.slice(root.length)}`;
    const r = spawnSync(bin("bun"), ["test", rel], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 256 * 1024 * 1024,
    });
    console.log(`\n=== bun: bun test ${rel}`);
    // bun test reports on stderr.
    process.stdout.write(r.stdout ?? "");
    process.stdout.write(r.stderr ?? "");
    const text = `${r.stdout}\n${r.stderr}`;
    const p = /^\s*(\d+) pass$/m.exec(text);
    const f = /^\s*(\d+) fail$/m.exec(text);
    count(`bun ${rel}`, p ? Number(p[1]) : 0, f ? Number(f[1]) : 0, r.status ?? 1);
    skipped += Number(/^\s*(\d+) skip$/m.exec(text)?.[1] ?? 0);
  }
}

const skips = skipSummary(skipped, readSkipLog(skipLog));
if (requireTools && skipped > 0) {
  // Where every tool is installed, a skipped test is an untested path: it counts as failed.
  failed += skipped;
  failures.push(`${skipped} skipped, and TDAUTH_REQUIRE_TOOLS=1 allows none`);
}
if (failures.length > 0) console.log(`\nfailed suites: ${failures.join("; ")}`);
if (skips !== null) console.log(`\n${skips}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

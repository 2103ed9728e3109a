#!/usr/bin/env node
// `tdauth token` start-up cost: wall-time median of N runs against `node -e 0` measured in the
// same run, with a fresh token stored (no refresh, no network). Goal: at most 1.3x node -e 0.
//
//   node bench/cli_startup.bench.mjs            # 10 runs of each
//   node bench/cli_startup.bench.mjs --quick    # 3 runs, as a smoke test
//
// Entry measured: what an installed package runs, `node <package.json "bin">` (dist/bin/tdauth.cjs;
// npm's .bin link and bunx/deno run that same file). dist/ is built first if it is missing.
// For information: bin/tdauth.mjs (the git checkout's wrapper) on the build and on the source (tsx).
// Then `import("tdauth")` (and require) time inside a fresh process, as a package resolves it
// (the package imports itself by name), beside oauth4webapi's.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const quick = process.argv.includes("--quick");
const runs = quick ? 3 : 10;
const work = mkdtempSync(join(tmpdir(), "tdauth-bench-cli-"));
const env = { ...process.env, TDAUTH_HOME: work, TDAUTH_PROVIDER: "emulator" };
delete env.TDAUTH_KEY;
delete env.TDAUTH_CREDENTIALS;

function sh(command, args, options = {}) {
  const r = spawnSync(command, args, { cwd: root, env, encoding: "utf8", ...options });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

// A fresh token, written by the real FileStore.
sh(process.execPath, [
  "--import",
  "tsx",
  "-e",
  `
  const { saveFreshTokens } = await import(${JSON.stringify(join(root, "test/helpers/fresh_tokens.ts"))});
  await saveFreshTokens(${JSON.stringify(join(work, "td_state.json"))}, "BENCH-ACCESS");`,
]);

const bin = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).bin.tdauth.replace(/^\.\//, "");
if (!existsSync(join(root, bin))) sh("npm", ["run", "build"]);
const entries = [
  { label: `node ${bin} token (package.json bin)`, args: [bin, "token"] },
  { label: "node bin/tdauth.mjs token (checkout wrapper, on the build)", args: ["bin/tdauth.mjs", "token"] },
  { label: "node bin/tdauth.mjs token (source through tsx)", args: ["bin/tdauth.mjs", "token"], env: { TDAUTH_FROM_SOURCE: "1" } },
];

for (const e of entries) {
  const out = sh(process.execPath, e.args, { env: { ...env, ...e.env } });
  if (out !== "BENCH-ACCESS\n") throw new Error(`${e.label} printed ${JSON.stringify(out)}`);
}

function time(args, extraEnv) {
  const start = performance.now();
  sh(process.execPath, args, { env: { ...env, ...extraEnv } });
  return performance.now() - start;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// Interleaved, so a busy moment of the machine hits every command alike.
const samples = { base: [], ...Object.fromEntries(entries.map((_, i) => [i, []])) };
time(["-e", "0"]);
for (let i = 0; i < runs; i++) {
  samples.base.push(time(["-e", "0"]));
  entries.forEach((e, j) => samples[j].push(time(e.args, e.env)));
}
rmSync(work, { recursive: true, force: true });

const base = median(samples.base);
console.log(`tdauth token start-up, median of ${runs} runs (node ${process.version}, ${process.platform}/${process.arch})`);
console.log(`  node -e 0${" ".repeat(52)}${base.toFixed(1).padStart(7)} ms   1.00x`);
entries.forEach((e, j) => {
  const m = median(samples[j]);
  console.log(`  ${e.label.padEnd(59)}${m.toFixed(1).padStart(7)} ms   ${(m / base).toFixed(2)}x`);
});
const first = median(samples[0]) / base;
console.log(`goal ≤ 1.30x for the shipped entry: ${first <= 1.3 ? "met" : "NOT met"} (${first.toFixed(2)}x)`);

// import("tdauth"): the time the import itself takes in a fresh process, median of N processes.
const importCases = [
  ['await import("tdauth")', "module", "const t = performance.now(); await import('tdauth'); console.log(performance.now() - t);"],
  ['require("tdauth")', "commonjs", "const t = performance.now(); require('tdauth'); console.log(performance.now() - t);"],
  [
    'await import("oauth4webapi") (for comparison)',
    "module",
    "const t = performance.now(); await import('oauth4webapi'); console.log(performance.now() - t);",
  ],
];
const importSamples = importCases.map(() => []);
for (let i = 0; i < runs; i++) {
  importCases.forEach(([, type, code], j) => importSamples[j].push(Number(sh(process.execPath, [`--input-type=${type}`, "-e", code]))));
}
console.log(`import time in a fresh process, median of ${runs}`);
importCases.forEach(([label], j) => console.log(`  ${label.padEnd(59)}${median(importSamples[j]).toFixed(1).padStart(7)} ms`));
console.log(
  `RESULT ${
    JSON.stringify({ bench: "cli_startup", tokenRatio: first, importMs: median(importSamples[0]), requireMs: median(importSamples[1]) })
  }`,
);

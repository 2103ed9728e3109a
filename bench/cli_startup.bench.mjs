#!/usr/bin/env node
// `tdauth token` start-up cost: wall-time median of N runs against `node -e 0` measured in the
// same run, with a fresh token stored (no refresh, no network). Goal: at most 1.3x node -e 0.
//
//   node bench/cli_startup.bench.mjs            # 10 runs of each
//   node bench/cli_startup.bench.mjs --quick    # 3 runs, as a smoke test
//
// Entry measured: dist/cli/main.js through bin/tdauth.mjs when the build exists; otherwise an
// esbuild bundle of cli/main.ts made here (what a build would ship, lazy chunks kept apart).
// `bin/tdauth.mjs` from source (tsx) is measured too, for information.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
sh(process.execPath, ["--import", "tsx", "-e", `
  const { FileStore } = await import(${JSON.stringify(join(root, "adapters/file/store.ts"))});
  const now = Date.now();
  await new FileStore(${JSON.stringify(join(work, "td_state.json"))}, { onWarning() {} }).save({
    accessToken: "BENCH-ACCESS", refreshToken: "BENCH-REFRESH", tokenType: "Bearer",
    accessExpiresAt: now + 1_800_000, refreshExpiresAt: now + 6 * 86_400_000, authorizedAt: now,
    provider: "schwab", clientId: "TdauthEmulatorSchwabAppKey000001" });`]);

const entries = [];
const dist = join(root, "dist", "cli", "main.js");
if (existsSync(dist)) {
  entries.push({ label: "node bin/tdauth.mjs token (dist/cli/main.js)", args: ["bin/tdauth.mjs", "token"] });
} else {
  const { build } = await import("esbuild");
  writeFileSync(join(work, "entry.ts"), `import { runMain } from ${JSON.stringify(join(root, "cli/main.ts"))};\nawait runMain();\n`);
  const bundle = async (out, plugins) => {
    await build({
      entryPoints: [join(work, "entry.ts")], outdir: join(work, out), bundle: true, splitting: true, format: "esm",
      platform: "node", target: "node20", packages: "external", logLevel: "silent", outExtension: { ".js": ".mjs" },
      plugins: [
        // The Hono adapter may not exist yet; it is only reached by the browser flow, never by token.
        { name: "hono-adapter-external", setup(b) { b.onResolve({ filter: /adapters\/hono\// }, (a) => ({ path: a.path, external: true })); } },
        ...plugins,
      ],
    });
    return join(work, out, "entry.mjs");
  };
  entries.push({ label: "node <esbuild bundle of cli/main.ts> token (no dist/ yet)", args: [await bundle("out", []), "token"] });
  // For information: ESM `import process from "node:process"` (adapters/file) makes Node build
  // the stdin/stdout/stderr streams at load time; the same bundle with the global instead.
  writeFileSync(join(work, "process_global.mjs"), "export default globalThis.process;\n");
  const alias = { name: "process-global", setup(b) { b.onResolve({ filter: /^(node:)?process$/ }, () => ({ path: join(work, "process_global.mjs") })); } };
  entries.push({ label: "  same, node:process imports → global process", args: [await bundle("out-global", [alias]), "token"] });
}
entries.push({ label: "node bin/tdauth.mjs token (source through tsx)", args: ["bin/tdauth.mjs", "token"], env: { TDAUTH_FROM_SOURCE: "1" } });

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

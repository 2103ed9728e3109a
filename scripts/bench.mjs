#!/usr/bin/env node
// `npm run bench`: runs every benchmark in bench/ and writes bench/BENCHMARKS.md with the
// machine, the command and each bench's table. `--quick` runs each once, small (a smoke test).
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const quick = process.argv.includes("--quick");
const tsx = join(root, "node_modules/.bin/tsx");
const benches = [
  ["Hot path (issue 7.1)", tsx, "bench/hot_path.bench.ts"],
  ["Refresh storm (issue 7.2)", tsx, "bench/refresh_storm.bench.ts"],
  ["Multi-process (issue 7.3)", tsx, "bench/multi_process.bench.ts"],
  ["Locks: FileLock vs proper-lockfile (issues 3, 7.4)", tsx, "bench/file_lock.bench.ts"],
  ["Locks: RedisLock (issue 7.4)", tsx, "bench/redis_lock.bench.mjs"],
  ["Size (issues 6, 7.5)", process.execPath, "bench/bundle_size.bench.mjs"],
  ["Startup: tdauth token vs node -e 0 (issues 5, 7.6)", process.execPath, "bench/cli_startup.bench.mjs"],
  ["Login latency (issue 7.7)", tsx, "bench/login_latency.bench.ts"],
];

const version = (cmd, args) => spawnSync(cmd, args, { encoding: "utf8" }).stdout?.trim().split("\n")[0] ?? "?";
const sections = [];
let failed = 0;
for (const [title, command, file] of benches) {
  if (!existsSync(join(root, file))) {
    sections.push(`## ${title}\n\nNot measured: \`${file}\` does not exist yet.`);
    continue;
  }
  const args = [file, ...(quick ? ["--quick"] : [])];
  console.error(`bench: ${file}${quick ? " --quick" : ""}`);
  const r = spawnSync(command, args, { cwd: root, encoding: "utf8", timeout: 10 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  const out = (r.stdout ?? "").split("\n").filter((line) => !line.startsWith("RESULT ")).join("\n").trim();
  if (r.status !== 0) {
    failed++;
    sections.push(`## ${title}\n\nFailed (exit ${r.status}): \`${[command === tsx ? "tsx" : "node", ...args].join(" ")}\`\n\n\`\`\`\n${(r.stderr ?? "").slice(-1500)}\n\`\`\``);
  } else {
    const cmd = `${command === tsx ? "node_modules/.bin/tsx" : "node"} ${args.join(" ")}`;
    sections.push(`## ${title}\n\nCommand: \`${cmd}\`\n\n${out.startsWith("```") || out.startsWith("|") || out.startsWith("#") ? out : `\`\`\`\n${out}\n\`\`\``}`);
  }
  process.stdout.write(`${out}\n\n`);
}

const machine = [
  `- date: ${new Date().toISOString()}`,
  `- machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB`,
  `- node ${process.version}, ${version(join(root, "node_modules/.bin/deno"), ["--version"])}, bun ${version(join(root, "node_modules/.bin/bun"), ["--version"])}`,
  `- command: \`npm run bench${quick ? " -- --quick" : ""}\` (each section names its own command)`,
].join("\n");
const notesPath = join(root, "bench/notes.md");
const notes = existsSync(notesPath) ? `\n${(await import("node:fs")).readFileSync(notesPath, "utf8").trim()}\n` : "";
const report = `# Benchmarks

Every figure is measured side by side with its reference in the same run, because these machines
are noisy; none of them is asserted by a test (\`npm test\` only runs each once in quick mode).
Written by \`scripts/bench.mjs\`.

${machine}

${sections.join("\n\n")}
${notes}`;
if (!quick) writeFileSync(join(root, "bench/BENCHMARKS.md"), report);
process.exit(failed > 0 ? 1 : 0);

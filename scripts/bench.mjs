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
const met = (ok) => (ok ? "met" : "**missed**");
const x = (n) => `${n.toFixed(2)}x`;
/** The figure a bench's output gives for one goal, or null when the output does not say. */
const find = (out, re) => {
  const m = re.exec(out);
  return m ? Number(m[1]) : null;
};
// Each bench, and its goals read back from what it printed: its RESULT line, or its own wording
// (the lock, size and start-up benches).
const benches = [
  ["Hot path", tsx, "bench/hot_path.bench.ts", (r) => [
    ["fresh accessToken() vs `async () => cached`, MemoryStore", x(r.memoryRatio), "≤ 2x", met(r.memoryRatio <= 2)],
    ["the same with FileStore + FileLock", x(r.fileRatio), "≤ 2x", met(r.fileRatio <= 2)],
    [
      "store/lock operations and node:fs calls on the fresh path",
      `${r.storeOps} and ${r.fsCalls}`,
      "0",
      met(r.storeOps === 0 && r.fsCalls === 0),
    ],
  ]],
  ["Refresh storm", tsx, "bench/refresh_storm.bench.ts", (r) => [
    ["token requests per storm of 10,000 callers", r.requests.join(", "), "exactly 1", met(r.requests.every((n) => n === 1))],
    [
      "caller latency over one round trip, p50 / p99",
      `+${(r.p50 - r.roundTrip).toFixed(2)} / +${(r.p99 - r.roundTrip).toFixed(2)} ms`,
      "—",
      "—",
    ],
  ]],
  ["Advisory storm and an API the app lacks", tsx, "bench/advisory_storm.bench.ts", (r) => [
    [
      "token requests per storm of 10,000 callers in the advisory window",
      r.requests.join(", "),
      "exactly 1",
      met(r.requests.every((n) => n === 1)),
    ],
    ["advisory-window caller p99 vs the hot path's, 10,000 callers", x(r.ratio), "≤ 2x", met(r.ratio <= 2)],
    [
      "advisory-window callers that waited for the round trip / got the new token",
      `${r.lateCallers} / ${r.newTokenCallers}`,
      "0 / 0",
      met(r.lateCallers === 0 && r.newTokenCallers === 0),
    ],
    [
      `token requests for ${r.fetches.toLocaleString("en-US")} session.fetch() to an API the app lacks`,
      `${r.lackingRequests} (${r.apiAuthErrors} APIAuthError)`,
      "≤ 1",
      met(r.lackingRequests <= 1 && r.apiAuthErrors === r.fetches),
    ],
  ]],
  ["Multi-process", tsx, "bench/multi_process.bench.ts", (r) => [
    [
      "refreshes per expiry window, 8 processes",
      `${r.perWindow.toFixed(2)} (${r.refreshes} over ${r.windows} windows)`,
      quick ? "1.00" : "1.00 over ≥ 5 windows",
      met(r.extra === 0 && r.reuse === 0 && r.errors === 0 && r.windows >= (quick ? 1 : 5)),
    ],
    ["wall time, 8 processes vs 1", x(r.ratio), "—", "—"],
  ]],
  ["Locks: FileLock vs proper-lockfile", tsx, "bench/file_lock.bench.ts", (_, out) => {
    const speedup = find(out, /FileLock is ([\d.]+)x faster uncontended/);
    return [[
      "FileLock vs proper-lockfile, uncontended",
      speedup === null ? "see below" : `${speedup}x faster`,
      "≥ 2x faster",
      speedup === null ? "?" : met(speedup >= 2),
    ]];
  }],
  ["Locks: RedisLock", tsx, "bench/redis_lock.bench.mjs", (_, out) => {
    const ms = find(out, /"medianMs":([\d.]+)/);
    return [["RedisLock acquire+release median", ms === null ? "see below" : `${ms} ms`, "—", "—"]];
  }],
  ["Size", process.execPath, "bench/bundle_size.bench.mjs", (_, out) => {
    const kb = find(out, /tdauth core API: .*\(goal ≤ 8\.5 KB\) \| ([\d.]+) KB/);
    const codeOnly = find(out, /core API, every message .* emptied \| ([\d.]+) KB/);
    return [
      [
        "core API import { AuthSession, tdAmeritrade, schwab, oauth2, MemoryStore }, minified + gzipped, loaded on import",
        kb === null ? "see below" : `${kb} KB`,
        "≤ 8.5 KB",
        kb === null ? "?" : met(kb <= 8.5),
      ],
      [
        "the same with every message (string of 25+ characters) emptied: its code alone",
        codeOnly === null ? "see below" : `${codeOnly} KB`,
        "—",
        "—",
      ],
    ];
  }],
  ["Startup: tdauth token vs node -e 0", process.execPath, "bench/cli_startup.bench.mjs", (_, out) => {
    const ratio = find(out, /shipped entry: [^(]*\(([\d.]+)x\)/);
    const importMs = find(out, /await import\("tdauth"\)\s+([\d.]+) ms/);
    return [
      [
        "`tdauth token` start-up vs `node -e 0`",
        ratio === null ? "see below" : `${ratio}x`,
        "≤ 1.30x",
        ratio === null ? "?" : met(ratio <= 1.3),
      ],
      ['`import("tdauth")` in a fresh process, median', importMs === null ? "see below" : `${importMs} ms`, "—", "—"],
    ];
  }],
  ["Login latency", tsx, "bench/login_latency.bench.ts", (r) => [
    ["login, authorize() → tokens saved, through the callback server, p50", `${r.serverP50.toFixed(2)} ms`, "—", "—"],
  ]],
];

const version = (cmd, args) => spawnSync(cmd, args, { encoding: "utf8" }).stdout?.trim().split("\n")[0] ?? "?";
const sections = [];
const goals = [];
let failed = 0;
const started = performance.now();
for (const [title, command, file, read] of benches) {
  const args = [file, ...(quick ? ["--quick"] : [])];
  console.error(`bench: ${file}${quick ? " --quick" : ""}`);
  // Bounded: no bench may hold up the report for long (the full set runs in about 2 minutes).
  const r = spawnSync(command, args, { cwd: root, encoding: "utf8", timeout: (quick ? 1 : 3) * 60_000, maxBuffer: 64 * 1024 * 1024 });
  const lines = (r.stdout ?? "").split("\n");
  const out = lines.filter((line) => !line.startsWith("RESULT ")).join("\n").trim();
  const result = lines.find((line) => line.startsWith("RESULT "));
  if (r.status === 0) {
    try {
      goals.push(...read(result ? JSON.parse(result.slice(7)) : {}, out));
    } catch (error) {
      goals.push([title, "see below", "—", `could not read the figures (${error.message})`]);
    }
  } else goals.push([title, "failed", "—", `exit ${r.status ?? r.signal}`]);
  if (r.status !== 0) {
    failed++;
    sections.push(
      `## ${title}\n\nFailed (exit ${r.status}): \`${[command === tsx ? "tsx" : "node", ...args].join(" ")}\`\n\n\`\`\`\n${
        (r.stderr ?? "").slice(-1500)
      }\n\`\`\``,
    );
  } else {
    const cmd = `${command === tsx ? "node_modules/.bin/tsx" : "node"} ${args.join(" ")}`;
    sections.push(
      `## ${title}\n\nCommand: \`${cmd}\`\n\n${
        out.startsWith("```") || out.startsWith("|") || out.startsWith("#") ? out : `\`\`\`\n${out}\n\`\`\``
      }`,
    );
  }
  process.stdout.write(`${out}\n\n`);
}

const machine = [
  `- date: ${new Date().toISOString()}`,
  `- machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB`,
  `- node ${process.version}, ${version(join(root, "node_modules/.bin/deno"), ["--version"])}, bun ${
    version(join(root, "node_modules/.bin/bun"), ["--version"])
  }`,
  `- command: \`npm run bench${quick ? " -- --quick" : ""}\` (each section names its own command); took ${
    Math.round((performance.now() - started) / 1000)
  } s`,
].join("\n");
const summary = [
  "| figure | value | goal | |",
  "|---|---|---|---|",
  ...goals.map((row) => `| ${row.join(" | ")} |`),
].join("\n");
const notesPath = join(root, "bench/notes.md");
const notes = existsSync(notesPath) ? `\n${(await import("node:fs")).readFileSync(notesPath, "utf8").trim()}\n` : "";
const report = `# Benchmarks

Every figure is measured side by side with its reference in the same run, because these machines
are noisy; none of them is asserted by a test (\`npm test\` only runs each once in quick mode).
Written by \`scripts/bench.mjs\`.

${machine}

## Goals

${summary}

${sections.join("\n\n")}
${notes}`;
if (!quick) writeFileSync(join(root, "bench/BENCHMARKS.md"), report);
if (quick) process.stdout.write(`${summary}\n`);
process.exit(failed > 0 ? 1 : 0);

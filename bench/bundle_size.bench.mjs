#!/usr/bin/env node
// Minified + gzipped bytes of the core, side by side with oauth4webapi and openid-client, all
// bundled by esbuild in the same run. "The core" is the core API as a program imports it:
// { AuthSession, tdAmeritrade, schwab, oauth2, MemoryStore } (goal ≤ 8.5 KB, 8,704 bytes). `import *` (every
// root export, which is also what Node loads from dist without a bundler) and tdauth/worker with
// its dependencies are reported beside it. Lazily imported chunks (TDClient's file store,
// terminal prompt and browser login) are reported apart: they load only when used.
// Run: node bench/bundle_size.bench.mjs [--quick]
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import ts from "typescript";

const root = new URL("..", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "tdauth-size-"));
const external = ["node:*", "@peculiar/x509", "reflect-metadata", "@hono/node-server"];
const core = JSON.stringify(join(root, "core/mod.ts"));
const local = JSON.stringify(join(root, "adapters/local/mod.ts"));
// [label, entry source, more externals, code splitting (lazy chunks apart), every message emptied]
const cases = [
  [
    "tdauth core API: { AuthSession, tdAmeritrade, schwab, oauth2, MemoryStore } (goal ≤ 8.5 KB)",
    `export { AuthSession, tdAmeritrade, schwab, oauth2, MemoryStore } from ${core};`,
    ["jose", "hono"],
    false,
    false,
  ],
  [
    "tdauth core API, every message (string of 25+ characters) emptied",
    `export { AuthSession, tdAmeritrade, schwab, oauth2, MemoryStore } from ${core};`,
    ["jose", "hono"],
    false,
    true,
  ],
  ["tdauth: { AuthSession } alone", `export { AuthSession } from ${core};`, ["jose", "hono"], false, false],
  [
    "tdauth: { AuthSession } alone, every message (string of 25+ characters) emptied",
    `export { AuthSession } from ${core};`,
    ["jose", "hono"],
    false,
    true,
  ],
  [
    "tdauth: import * on Node, Deno and Bun (every root export; TDClient's file store, prompt and browser login lazy)",
    `export * from ${local};`,
    ["jose", "hono"],
    true,
    false,
  ],
  [
    "tdauth: import * as a Worker or browser resolves it (core/mod.ts)",
    `export * from ${core};`,
    ["jose", "hono"],
    false,
    false,
  ],
  ["tdauth/worker with jose (as deployed)", `export * from ${JSON.stringify(join(root, "adapters/worker/mod.ts"))};`, [], false, false],
  ["tdauth/durable-object", `export * from ${JSON.stringify(join(root, "adapters/durable_object/mod.ts"))};`, [], false, false],
  ["oauth4webapi: import *", `export * from "oauth4webapi";`, [], false, false],
  ["openid-client: import *", `export * from "openid-client";`, [], false, false],
];

const gz = (text) => gzipSync(text, { level: 9 }).length;

/** The bundle with every string literal or template part of 25+ characters emptied: what the code alone weighs. */
function withoutMessages(code) {
  const file = ts.createSourceFile("bundle.js", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const spans = [];
  const visit = (node) => {
    const literal = ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) || ts.isTemplateTail(node);
    if (literal && node.text.length >= 25) {
      spans.push([node.getStart(file) + 1, node.getEnd() - (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) ? 2 : 1)]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = code;
  for (const [start, end] of spans.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + out.slice(end);
  return out;
}

const rows = [];
try {
  for (const [label, source, extra, splitting, stripped] of cases) {
    const dir = join(work, String(rows.length));
    const entry = join(dir, "entry.js");
    mkdirSync(dir, { recursive: true });
    writeFileSync(entry, source);
    await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "neutral",
      splitting,
      mainFields: ["module", "main"],
      conditions: ["browser", "import"],
      outdir: join(dir, "out"),
      external: [...external, ...extra],
      logLevel: "error",
      absWorkingDir: root,
      nodePaths: [join(root, "node_modules")],
    });
    const files = readdirSync(join(dir, "out"));
    const entryText = readFileSync(join(dir, "out", "entry.js"), "utf8");
    let eager = gz(stripped ? withoutMessages(entryText) : entryText);
    let lazy = 0;
    // Shared chunks the entry imports statically load with it; lazy ones only on use.
    for (const f of files.filter((f) => f !== "entry.js")) {
      const size = gz(readFileSync(join(dir, "out", f)));
      if (new RegExp(`from\\s*"\\./${f.replace(".", "\\.")}"|import\\s*"\\./${f.replace(".", "\\.")}"`).test(entryText)) eager += size;
      else lazy += size;
    }
    rows.push({ label, eager, lazy });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`### Bundle size (esbuild --bundle --minify, gzip -9; lazy chunks load only when used)

| bundle | loaded on import | lazy chunks |
|---|---|---|
${rows.map((r) => `| ${r.label} | ${kb(r.eager)} | ${r.lazy ? kb(r.lazy) : "—"} |`).join("\n")}

Core goal (≤ 8.5 KB, 8,704 bytes, for the core API import): ${rows[0].eager <= 8704 ? "met" : "missed"} (${rows[0].eager} bytes).`);
console.log(
  `RESULT ${
    JSON.stringify({
      bench: "bundle_size",
      core: rows[0].eager,
      coreCodeOnly: rows[1].eager,
      session: rows[2].eager,
      sessionCodeOnly: rows[3].eager,
      all: rows[4].eager,
      portable: rows[5].eager,
      worker: rows[6].eager,
      durableObject: rows[7].eager,
    })
  }`,
);

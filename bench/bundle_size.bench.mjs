#!/usr/bin/env node
// Issues 6 and 7.5: minified + gzipped bytes of `import * from "tdauth"` (the core), of a
// typical import ({ AuthSession, schwab, MemoryStore }), of tdauth/worker with its dependencies,
// side by side with oauth4webapi and openid-client, all bundled by esbuild in the same run.
// Lazily imported chunks (file store, terminal prompt, browser login) are reported apart.
// Run: node bench/bundle_size.bench.mjs [--quick]
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "tdauth-size-"));
const external = ["node:*", "@peculiar/x509", "reflect-metadata", "@hono/node-server"];
const cases = [
  ["tdauth core: import * (goal < 6 KB)", `export * from ${JSON.stringify(join(root, "core/mod.ts"))};`, ["jose", "hono"]],
  ["tdauth core: { AuthSession, schwab, MemoryStore }", `export { AuthSession, schwab, MemoryStore } from ${JSON.stringify(join(root, "core/mod.ts"))};`, ["jose", "hono"]],
  ["tdauth/worker with jose (as deployed)", `export * from ${JSON.stringify(join(root, "adapters/worker/mod.ts"))};`, []],
  ["oauth4webapi: import *", `export * from "oauth4webapi";`, []],
  ["openid-client: import *", `export * from "openid-client";`, []],
];

const gz = (text) => gzipSync(text, { level: 9 }).length;
const rows = [];
try {
  for (const [label, source, extra] of cases) {
    const dir = join(work, String(rows.length));
    const entry = join(dir, "entry.js");
    rmSync(dir, { recursive: true, force: true });
    await import("node:fs").then((fs) => fs.mkdirSync(dir, { recursive: true }));
    writeFileSync(entry, source);
    await build({
      entryPoints: [entry], bundle: true, minify: true, format: "esm", platform: "neutral", splitting: true,
      mainFields: ["module", "main"], conditions: ["browser", "import"], outdir: join(dir, "out"),
      external: [...external, ...extra], logLevel: "error", absWorkingDir: root, nodePaths: [join(root, "node_modules")],
    });
    const files = readdirSync(join(dir, "out"));
    const main = gz(readFileSync(join(dir, "out", "entry.js")));
    // Shared chunks the entry imports statically load with it; lazy ones only on use.
    const entryText = readFileSync(join(dir, "out", "entry.js"), "utf8");
    let eager = main;
    let lazy = 0;
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

Core goal (< 6 KB for \`import *\`): ${rows[0].eager < 6144 ? "met" : "missed"}.`);
console.log(`RESULT ${JSON.stringify({ bench: "bundle_size", core: rows[0].eager, typical: rows[1].eager, worker: rows[2].eager })}`);

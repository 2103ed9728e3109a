#!/usr/bin/env node
// `tdauth` in a git checkout (`node bin/tdauth.mjs`, `npm run demo`); the published package's
// "bin" is dist/bin/tdauth.cjs itself, without this detour. Runs that build when it exists, else
// the source: Node 20 cannot run .ts, so it registers tsx first; Bun and Deno run .ts themselves.
// TDAUTH_FROM_SOURCE=1 picks the source even when dist/ exists (tests that trace module names).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const built = new URL("../dist/bin/tdauth.cjs", import.meta.url);
if (existsSync(fileURLToPath(built)) && !process.env.TDAUTH_FROM_SOURCE) {
  // The built binary is CommonJS and starts itself when loaded; require() skips the ESM wrapper
  // that import() would build around it (≈25 ms for this file on Node 20, measured).
  createRequire(import.meta.url)(fileURLToPath(built));
} else {
  if (!("Bun" in globalThis || "Deno" in globalThis)) {
    const { register } = await import("tsx/esm/api");
    register();
  }
  const { runMain } = await import(new URL("../cli/main.ts", import.meta.url).href);
  await runMain(process.argv.slice(2));
}

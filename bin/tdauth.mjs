#!/usr/bin/env node
// npm's `tdauth` binary. Node 20 cannot run .ts: use the build (dist/cli/main.js) when it
// exists, else (a git checkout) register tsx and run the source. Bun and Deno (bunx --bun,
// deno run npm:tdauth) run the .ts source themselves. The one place this is decided.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const built = new URL("../dist/cli/main.js", import.meta.url);
const source = new URL("../cli/main.ts", import.meta.url);
const nativeTS = "Bun" in globalThis || "Deno" in globalThis;
let entry = source;
if (existsSync(fileURLToPath(built)) && !process.env.TDAUTH_FROM_SOURCE) {
  entry = built;
} else if (!nativeTS) {
  const { register } = await import("tsx/esm/api");
  register();
}
const { runMain } = await import(entry.href);
await runMain(process.argv.slice(2));

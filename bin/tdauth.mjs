#!/usr/bin/env node
// npm's `tdauth` binary. Node 20 cannot run .ts: use the build (dist/cli/main.js) when it
// exists, else (a git checkout) register tsx and run the source. The one place this is decided.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const built = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
let entry;
if (existsSync(built) && !process.env.TDAUTH_FROM_SOURCE) {
  entry = pathToFileURL(built).href;
} else {
  const { register } = await import("tsx/esm/api");
  register();
  entry = new URL("../cli/main.ts", import.meta.url).href;
}
const { runMain } = await import(entry);
await runMain(process.argv.slice(2));

// The npm build: one ESM (.js) and one CJS (.cjs) file per export path, mirroring the source
// tree under dist/, with .d.ts / .d.cts beside them. jsr.json's exports are the single list of
// entry points, so the npm and JSR packages cannot drift apart.
import { existsSync, readFileSync } from "node:fs";
import { defineConfig } from "tsup";
// @ts-expect-error: a plain .mjs build script has no declarations of its own
import { buildTypes } from "./scripts/build_types.mjs";

const jsr = JSON.parse(readFileSync(new URL("./jsr.json", import.meta.url), "utf8")) as { exports: Record<string, string> };

const entry: Record<string, string> = {};
for (const [key, source] of Object.entries(jsr.exports)) {
  const path = source.replace(/^\.\//, "");
  // An adapter still being written must not break `npm install` (prepare) for everyone else;
  // the package tests report the missing export instead.
  if (!existsSync(path)) {
    console.warn(`tsup: skipping ${key} (${path} does not exist yet)`);
    continue;
  }
  entry[path.replace(/\.ts$/, "")] = path;
}

const shared = {
  // Node 20.19 is the floor (require(esm) of jose from the CJS build); Workers, Deno 2 and Bun 1 run ES2022.
  target: "es2022",
  platform: "neutral",
  // Declarations come from scripts/build_types.mjs (ts.transpileDeclaration per file, <1 s),
  // not tsup's dts step (a full program plus rollup, ~10 s on 2 cores).
  dts: false,
  // dist is emptied by `npm run build` before both builds run side by side.
  clean: false,
  sourcemap: false,
  treeshake: false,
  minify: false,
  outDir: "dist",
  // Dependencies and peers load from node_modules at run time; node: built-ins are never bundled.
  // Keep "node:fs" as written (tsup strips the prefix by default): Workers' nodejs_compat and
  // bundlers targeting Workers only recognise the node: form as built-in.
  removeNodeProtocol: false,
  external: [/^node:/, "jose", "hono", /^hono\//, "@hono/node-server", "@peculiar/x509", "reflect-metadata"],
} as const;

const cliEntry = "cli/main";
const { [cliEntry]: cliSource, ...libraryEntries } = entry;

export default defineConfig([
  {
    ...shared,
    entry: libraryEntries,
    format: ["esm", "cjs"],
    // Shared chunks keep one copy of each class (instanceof TDError holds across export paths), and
    // core's lazy import() of the file store, lock, terminal prompt and browser login stays lazy.
    splitting: true,
    outExtension: ({ format }) => ({ js: format === "cjs" ? ".cjs" : ".js" }),
    onSuccess: async () => {
      buildTypes();
    },
  },
  // The CLI gets a chunk graph of its own: `tdauth token` then loads only what it needs instead of
  // chunks shared with every library entry (measured in bench/cli_startup.bench.mjs).
  ...(cliSource
    ? [{ ...shared, entry: { [cliEntry]: cliSource }, format: ["esm" as const], splitting: true, outDir: "dist", outExtension: () => ({ js: ".js" }) }]
    : []),
]);

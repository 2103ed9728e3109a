// The npm build: one ESM (.js) and one CJS (.cjs) file per export path, mirroring the source
// tree under dist/, with .d.ts / .d.cts beside them. jsr.json's exports are the single list of
// entry points, so the npm and JSR packages cannot drift apart.
import { readFileSync } from "node:fs";
import { transform } from "esbuild";
import { rollup } from "rollup";
import { defineConfig } from "tsup";
import { buildTypes } from "./scripts/build_types.mjs";

const jsr = JSON.parse(readFileSync(new URL("./jsr.json", import.meta.url), "utf8")) as { exports: Record<string, string> };

const entry: Record<string, string> = {};
for (const source of Object.values(jsr.exports)) {
  const path = source.replace(/^\.\//, "");
  entry[path.replace(/\.ts$/, "")] = path;
}
// "." for Workers and browsers (package.json's "workerd", "worker" and "browser" conditions): the
// core alone, without the local runtime's lazy imports of the file, terminal and Hono adapters,
// which a bundler for those runtimes would otherwise have to resolve. jsr.json's "." is the local
// entry (adapters/local/mod.ts), which Deno runs.
entry["core/mod"] = "core/mod.ts";
// "tdauth/emulator" under the same conditions: createEmulator without startEmulator, whose server
// a Worker bundle could not resolve.
entry["emulator/portable"] = "emulator/portable.ts";

// scripts/build.mjs builds into a fresh folder and swaps it for dist/ when every step is done.
const outDir = process.env.TDAUTH_BUILD_DIR ?? "dist";

const shared = {
  // Node 20.19 is the floor (require(esm) of jose from the CJS build); Workers, Deno 2 and Bun 1 run ES2022.
  target: "es2022",
  platform: "neutral",
  // Declarations come from scripts/build_types.mjs (ts.transpileDeclaration per file, <1 s),
  // not tsup's dts step (a full program plus rollup, ~10 s on 2 cores).
  dts: false,
  // `npm run build` (scripts/build.mjs) starts both builds in an empty folder.
  clean: false,
  sourcemap: false,
  treeshake: false,
  minify: false,
  outDir,
  // Dependencies and peers load from node_modules at run time; node: built-ins are never bundled.
  // Keep "node:fs" as written (tsup strips the prefix by default): Workers' nodejs_compat and
  // bundlers targeting Workers only recognise the node: form as built-in.
  removeNodeProtocol: false,
  external: [/^node:/, "jose", "hono", /^hono\//, "@hono/node-server", "@peculiar/x509", "reflect-metadata"] as (string | RegExp)[],
} as const;

const cliEntry = "cli/main";
const { [cliEntry]: cliSource, ...libraryEntries } = entry;
if (cliSource === undefined) throw new Error(`jsr.json exports no ${cliEntry}.ts`);

/**
 * The published `tdauth` binary: cli/bin.ts → dist/bin/tdauth.cjs plus lazy chunks beside it.
 * Rollup, not esbuild: esbuild gives code shared by the entry and a lazy chunk a chunk of its
 * own, so `tdauth token` loaded 18 files; Rollup leaves code the entry already loaded in the
 * entry, so the token path (imported statically by cli/bin.ts) is one file, and the lazy chunks
 * (other commands, Hono, the emulator) require it. CommonJS, not ESM: `node -e 0` never starts
 * the ESM loader, and an ESM `import … from "node:fs"` builds a namespace that reads every lazy
 * getter of fs (fs/promises, streams, readline compiled at start-up); together ≈14 ms of `token`
 * (1.25x → 1.08x `node -e 0`). Packages stay ESM `import()`s (Rollup keeps them as written).
 * Rollup is a devDependency of its own (the same copy tsup uses, deduplicated by npm).
 *
 * @example
 * ```ts
 * await buildBin(); // dist/bin/tdauth.cjs
 * ```
 */
export async function buildBin(): Promise<void> {
  const externals = shared.external;
  const bundle = await rollup({
    input: { tdauth: "cli/bin.ts" },
    external: (id) => externals.some((e) => (typeof e === "string" ? id === e || id.startsWith(`${e}/`) : e.test(id))),
    // Kept whole like the library build; tree-shaking would also drop the side-effect-free
    // static imports that put the token path into the entry.
    treeshake: false,
    plugins: [{
      name: "typescript",
      async transform(code, id) {
        if (!id.endsWith(".ts")) return null;
        const out = await transform(code, { loader: "ts", target: shared.target, format: "esm", sourcefile: id });
        return { code: out.code, map: null };
      },
    }],
  });
  await bundle.write({
    dir: `${outDir}/bin`,
    format: "cjs",
    entryFileNames: "[name].cjs",
    chunkFileNames: "[name]-[hash].cjs",
    banner: (chunk) => (chunk.isEntry ? "#!/usr/bin/env node" : ""),
    // A chunk imports what it uses, not also what that loads (which Node would have loaded anyway).
    hoistTransitiveImports: false,
  });
  await bundle.close();
}

export default defineConfig([
  {
    ...shared,
    entry: libraryEntries,
    format: ["esm", "cjs"],
    // Shared chunks keep one copy of each class (instanceof TDError holds across export paths), and
    // the local runtime's lazy import() of the file store, lock, terminal prompt and browser login stays lazy.
    splitting: true,
    outExtension: ({ format }) => ({ js: format === "cjs" ? ".cjs" : ".js" }),
    onSuccess: () => {
      buildTypes(outDir);
      return Promise.resolve();
    },
  },
  // The CLI gets a chunk graph of its own: `tdauth token` then loads only what it needs instead of
  // chunks shared with every library entry (measured in bench/cli_startup.bench.mjs).
  {
    ...shared,
    entry: { [cliEntry]: cliSource },
    format: ["esm" as const],
    splitting: true,
    outDir,
    outExtension: () => ({ js: ".js" }),
    onSuccess: buildBin,
  },
]);

#!/usr/bin/env node
// `npm run build`: tsup (library, CLI, binary, declarations) into a fresh folder, then swapped for
// dist/ in two renames. Building in place emptied dist/ first, so a test, a benchmark or the
// `tdauth` binary reading dist/ during a build (another terminal, `npm pack`, a second checkout
// user) found it missing or half-written.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { removeStaleBuilds } from "./stale_builds.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
// Inside node_modules: on dist/'s file system (a rename cannot cross one), and outside what git,
// tsc, vitest and deno look at.
const work = join(root, "node_modules", ".tdauth-build");
const next = join(work, `next-${process.pid}`);
const old = join(work, `old-${process.pid}`);
const dist = join(root, "dist");

const tsupPackage = createRequire(import.meta.url).resolve("tsup/package.json");
const tsupBin = join(dirname(tsupPackage), JSON.parse(readFileSync(tsupPackage, "utf8")).bin.tsup);

mkdirSync(work, { recursive: true });
removeStaleBuilds(work);
try {
  execFileSync(process.execPath, [tsupBin], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, TDAUTH_BUILD_DIR: relative(root, next) },
  });
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(next, dist);
} catch (error) {
  console.error(`build failed; dist/ is unchanged: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  rmSync(next, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
}

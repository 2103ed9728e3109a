// What `deno run jsr:@tdauth/tdauth/cli` fetches, rebuilt offline (jsr.io is not reachable from
// the tests): the files `deno publish --dry-run --config jsr.json` lists, each bare import
// rewritten through jsr.json's import map the way JSR rewrites it on publish (`"hono"` →
// `"npm:hono@^4.13"`), served over HTTP from 127.0.0.1 as jsr.io serves them. Deno then runs
// them as remote modules, which resolve nothing through a package.json or node_modules: an import
// JSR could not rewrite (one held in a variable) fails here as it would from jsr.io. Only the
// npm: packages come from this checkout's node_modules, standing in for Deno's npm cache.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, join, normalize } from "node:path";

const root = new URL("../..", import.meta.url).pathname;

/** The files the JSR dry run would publish, relative to the repository. */
export function publishedFiles(): string[] {
  const r = spawnSync(join(root, "node_modules/.bin/deno"), ["publish", "--dry-run", "--allow-dirty", "--config", "jsr.json"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (r.status !== 0) throw new Error(`deno publish --dry-run failed:\n${r.stdout}\n${r.stderr}`);
  const files = [...`${r.stdout}\n${r.stderr}`.matchAll(/^\s+file:\/\/(\/\S+) \(/gm)].map((m) =>
    m[1]!.slice(root.length).replace(/^\//, "")
  );
  if (files.length === 0) throw new Error(`the dry run listed no files:\n${r.stdout}\n${r.stderr}`);
  return files;
}

// Specifiers in static imports and exports, side-effect imports and literal dynamic imports.
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])([^"'\n]+)\2/g;

/**
 * A source with its bare specifiers mapped as JSR maps them on publish. One the map does not
 * cover stays as written (doc comments name "tdauth/…"); in code it would fail to resolve here.
 * @example
 * ```ts
 * rewriteImports('import { Hono } from "hono";', { hono: "npm:hono@^4.13" }); // 'import { Hono } from "npm:hono@^4.13";'
 * ```
 */
export function rewriteImports(source: string, imports: Record<string, string>): string {
  return source.replace(SPECIFIER, (whole, lead: string, quote: string, specifier: string) => {
    const exact = imports[specifier];
    const prefix = Object.keys(imports).find((key) => key.endsWith("/") && specifier.startsWith(key));
    const mapped = exact ?? (prefix ? imports[prefix]! + specifier.slice(prefix.length) : undefined);
    return mapped === undefined ? whole : `${lead}${quote}${mapped}${quote}`;
  });
}

/**
 * Writes the JSR layout into `dir` (which must exist and be empty) and returns the files written.
 * @example
 * ```ts
 * buildJSRLayout(mkdtempSync(join(tmpdir(), "jsr-")));
 * ```
 */
export function buildJSRLayout(dir: string): string[] {
  const { imports } = JSON.parse(readFileSync(join(root, "jsr.json"), "utf8")) as { imports: Record<string, string> };
  const files = publishedFiles();
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    const text = readFileSync(join(root, file), "utf8");
    writeFileSync(join(dir, file), file.endsWith(".ts") ? rewriteImports(text, imports) : text);
  }
  return files;
}

/**
 * Serves `dir` read-only on 127.0.0.1 (a free port), as jsr.io serves a package's files.
 * @example
 * ```ts
 * const served = await serveLayout(dir); // deno run --allow-import=<host> `${served.url}/cli/main.ts`
 * await served.close();
 * ```
 */
export async function serveLayout(dir: string): Promise<{ url: string; host: string; close(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)));
    try {
      if (!path.startsWith(dir)) throw new Error("outside the layout");
      const body = await readFile(path);
      response.writeHead(200, { "content-type": path.endsWith(".ts") ? "application/typescript" : "text/plain" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: `http://${host}`,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// A test Worker in real workerd (miniflare) on a free port of 127.0.0.1: the entry bundled as
// wrangler bundles it for Workers (the worker and browser conditions), one KV namespace "TOKENS".
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { freePort } from "../../helpers/port.ts";

/** A running test Worker and the origin it answers on. */
export interface TestWorker {
  mf: Miniflare;
  origin: string;
}

/**
 * Bundles `entry` (a path beside this file) and serves it with `bindings`. `bindings` may be a
 * function of the origin, for a Worker that must know its own redirect URI.
 */
export async function startTestWorker(
  entry: string,
  bindings: Record<string, unknown> | ((origin: string) => Record<string, unknown>),
): Promise<TestWorker> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const bundle = await build({
    entryPoints: [new URL(entry, import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["worker", "browser"],
    write: false,
  });
  const mf = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0]!.text,
    kvNamespaces: ["TOKENS"],
    bindings: typeof bindings === "function" ? bindings(origin) : bindings,
    host: "127.0.0.1",
    port,
    compatibilityDate: "2025-01-01",
  });
  await mf.ready;
  return { mf, origin };
}

// Preload (node --import) that records every module a run loads in $TDAUTH_TRACE_FILE, so a test
// can check what `tdauth token` loads: each URL the ESM loader resolves, and at exit the files
// require() loaded (the published binary is CommonJS, and the ESM hooks do not see require()).
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";

const hooks = `
import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.TDAUTH_TRACE_FILE, result.url + "\\n");
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

const cache = createRequire(import.meta.url).cache;
process.on("exit", () => {
  const files = Object.keys(cache).map((path) => `${pathToFileURL(path).href}\n`);
  appendFileSync(process.env.TDAUTH_TRACE_FILE, files.join(""));
});

// Preload (node --import) that records every resolved module URL in $TDAUTH_TRACE_FILE, so a
// test can check what `tdauth token` loads.
import { register } from "node:module";

const hooks = `
import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.TDAUTH_TRACE_FILE, result.url + "\\n");
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

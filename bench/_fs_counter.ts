// Counts every call into node:fs and node:fs/promises, so a bench can prove a code path does
// no file I/O at all (not only that it skips the store's methods).
import { createRequire, syncBuiltinESMExports } from "node:module";

type Table = Record<string, unknown>;

/** Wraps every function of `fs` and `fs.promises` once; `calls()` is the count so far. */
export function countFsCalls(): { calls: () => number } {
  const require = createRequire(import.meta.url);
  const fs = require("node:fs") as Table & { promises: Table };
  let calls = 0;
  for (const table of [fs, fs.promises]) {
    for (const [name, value] of Object.entries(table)) {
      // Classes (ReadStream, Dirent...) keep their identity: only calls of plain functions count.
      if (typeof value !== "function" || /^[A-Z]/.test(name)) continue;
      const original = value as (...args: unknown[]) => unknown;
      table[name] = Object.defineProperties(function (this: unknown, ...args: unknown[]) {
        calls++;
        return original.apply(this, args);
      }, { name: { value: name }, length: { value: original.length } });
    }
  }
  // ESM named imports of node:fs and node:fs/promises are live bindings: push the wrappers there.
  syncBuiltinESMExports();
  return { calls: () => calls };
}

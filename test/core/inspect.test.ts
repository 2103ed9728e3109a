// The portable secrets-in-objects suite on Node; Deno and Bun run the same cases (test/deno, test/bun).
import { it } from "vitest";
import { cases } from "./_inspect_suite.ts";

for (const { name, fn } of cases) it(name, fn);

// The portable file-adapter suite on Node; Deno and Bun run the same cases (test/deno, test/bun).
import { it } from "vitest";
import { cases } from "./_runtime_suite.ts";

for (const { name, fn } of cases) it(name, fn);

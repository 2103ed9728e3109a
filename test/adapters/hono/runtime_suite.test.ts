// The portable callback-server suite on Node (@hono/node-server); Deno and Bun run the same cases.
import { it } from "vitest";
import { cases } from "./_runtime_suite.ts";

for (const { name, fn } of cases) it(name, fn);

// The callback server on Bun: Bun.serve, the portable suite in test/adapters/hono.
import { test } from "bun:test";
import { cases } from "../adapters/hono/_runtime_suite.ts";

for (const { name, fn } of cases) test(name, fn, 30_000);

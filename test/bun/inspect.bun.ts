// Secrets stay out of printed objects on Bun (Bun.inspect, console.log, JSON): the portable suite in test/core.
import { test } from "bun:test";
import { cases } from "../core/_inspect_suite.ts";

for (const { name, fn } of cases) test(name, fn, 30_000);

// Secrets stay out of printed objects on Deno (Deno.inspect, console.log, JSON): the portable suite in test/core.
import { cases } from "../core/_inspect_suite.ts";

for (const { name, fn } of cases) Deno.test(name, fn);

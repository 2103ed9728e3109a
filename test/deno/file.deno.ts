// FileStore and FileLock on Deno (node:fs through Deno's Node compatibility): the portable suite in test/adapters/file.
import { cases } from "../adapters/file/_runtime_suite.ts";

for (const { name, fn } of cases) Deno.test(name, fn);

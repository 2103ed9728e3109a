// FileStore and FileLock on Bun (node:fs as Bun implements it): the portable suite in test/adapters/file.
import { test } from "bun:test";
import { cases } from "../adapters/file/_runtime_suite.ts";

for (const { name, fn } of cases) test(name, fn, 30_000);

// The CLI scenario on Bun: `bun cli/main.ts` against an emulator served by this test.
import { test } from "bun:test";
import { cliScenario } from "../cli/_scenario.ts";

test("tdauth on Bun: piped login, status --json, token, refresh, logout → 3, bad paste → 2, wrong flag → 2", async () => {
  await cliScenario(["node_modules/.bin/bun", "cli/main.ts"]);
}, 120_000);

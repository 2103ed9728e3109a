// The CLI scenario on Deno: `deno run -A cli/main.ts` against an emulator served by this test.
import { cliScenario } from "../cli/_scenario.ts";

Deno.test("tdauth on Deno: piped login, status --json, token, refresh, logout → 3, bad paste → 2, wrong flag → 2", async () => {
  await cliScenario(["node_modules/.bin/deno", "run", "-A", "cli/main.ts"]);
});

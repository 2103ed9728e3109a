// A writer SIGKILLed at random moments 200 times never leaves a torn credentials file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { FileStore } from "../../../adapters/file/store.ts";
import type { StoredTokens } from "../../../core/types.ts";
import { bundleAdapter, type Child, sleep, startChild, tempDir } from "./_helpers.ts";

const KILLS = 200;
const now = Date.now();
const records: StoredTokens[] = [0, 1].map((i) => ({
  accessToken: `ACCESS-${i}-${"a".repeat(300)}`,
  refreshToken: `REFRESH-${i}`,
  tokenType: "Bearer",
  accessExpiresAt: now + 1_800_000 + i,
  refreshExpiresAt: now + 90 * 86_400_000 + i,
  authorizedAt: now + i,
  provider: "td-ameritrade",
  clientId: `CLIENT-${i}`,
}));

let modules: { store: string };
let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  modules = await bundleAdapter();
  ({ dir, cleanup } = tempDir("tdauth-crash-"));
});
afterAll(() => cleanup());

describe("FileStore crash safety", () => {
  it(`holds the old or the new record after each of ${KILLS} SIGKILLs mid-save`, async () => {
    const file = join(dir, "td_state.json");
    const reader = new FileStore(file, { onWarning: () => {} });
    const spawnWriter = (): Child => startChild("save_loop.mjs", [modules.store, file], { RECORDS: JSON.stringify(records) });
    // Two writers stay warm (module loaded, waiting for "go"), so spawn time overlaps the kills.
    const warm = [spawnWriter(), spawnWriter()];
    let tempsSeen = 0;
    let maxTemps = 0;
    for (let i = 0; i < KILLS; i++) {
      const writer = warm.shift()!;
      warm.push(spawnWriter());
      await writer.waitFor(/^loaded$/);
      writer.proc.stdin!.write("go\n");
      await writer.waitFor(/^saved$/);
      await sleep(5 + Math.random() * 35);
      writer.proc.kill("SIGKILL");
      const { signal } = await writer.exited;
      expect(signal).toBe("SIGKILL");
      const loaded = await reader.load();
      expect([records[0], records[1]]).toContainEqual(loaded);
      const temps = readdirSync(dir).filter((n) => n.endsWith(".tmp")).length;
      if (temps > 0) tempsSeen++;
      maxTemps = Math.max(maxTemps, temps);
    }
    for (const w of warm) w.proc.kill("SIGKILL");
    // Each writer's first save removes the temp file of the one killed before it, so at most
    // the last victim's temp file is ever left over, and the next save removes it.
    expect(maxTemps).toBeLessThanOrEqual(1);
    expect(tempsSeen).toBeGreaterThan(0); // some kills really landed inside a save
    await new FileStore(file, { onWarning: () => {} }).save(records[0]!);
    expect(readdirSync(dir)).toEqual(["td_state.json"]);
  });
});

// FileStore with a path of its own on Deno asks for that folder only: no --allow-sys (finding the
// home folder) and no --allow-env, which only a default path or TDAUTH_KEY would need.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "tdauth-deno-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("saves and loads with --allow-read and --allow-write of its folder alone", () => {
  const folder = join(dir, "tokens");
  const script = join(dir, "store.ts");
  writeFileSync(
    script,
    `import { FileStore } from ${JSON.stringify(new URL("adapters/file/store.ts", root).href)};
    const store = new FileStore(${JSON.stringify(join(folder, "td_state.json"))}, { onWarning: () => {} });
    const now = Date.now();
    await store.save({ accessToken: "DENO-NARROW", tokenType: "Bearer", accessExpiresAt: now + 60_000, authorizedAt: now });
    console.log((await store.load())?.accessToken);`,
  );
  const r = spawnSync(
    new URL("node_modules/.bin/deno", root).pathname,
    ["run", "--no-prompt", "--no-config", `--allow-read=${folder}`, `--allow-write=${folder}`, pathToFileURL(script).href],
    { cwd: dir, encoding: "utf8", timeout: 60_000 },
  );
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  expect(r.stdout).toBe("DENO-NARROW\n");
});

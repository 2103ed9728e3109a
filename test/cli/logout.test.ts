// `tdauth logout` (the real binary) on hostile or missing credential files: through a symlink it
// removes the tokens where they live, and with no file it creates nothing and says so.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "../../adapters/file/store.ts";
import { cleanEnv, runTdauth } from "./_run.ts";

let dir: string;
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), "tdauth-logout-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tokens = {
  accessToken: "LOGOUT-ACCESS",
  refreshToken: "LOGOUT-REFRESH",
  tokenType: "Bearer",
  accessExpiresAt: Date.now() + 1_800_000,
  refreshExpiresAt: Date.now() + 86_400_000,
  authorizedAt: Date.now(),
  provider: "schwab",
  clientId: "SOMEAPPKEY0000000000000000000001",
};

describe("tdauth logout", () => {
  it("through a symlinked credentials file removes the tokens it points to, so no command finds them again", async () => {
    const home = join(dir, "linked");
    const synced = join(dir, "synced");
    mkdirSync(home);
    mkdirSync(synced);
    symlinkSync(join(synced, "td_state.json"), join(home, "td_state.json"));
    await new FileStore(join(home, "td_state.json"), { onWarning: () => {} }).save(tokens);
    const env = cleanEnv({ TDAUTH_HOME: home });
    const out = await runTdauth(["logout"], env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(`Logged out: removed the tokens from ${join(home, "td_state.json")}.\n`);
    expect(existsSync(join(synced, "td_state.json"))).toBe(false);
    expect(lstatSync(join(home, "td_state.json")).isSymbolicLink()).toBe(true);
    const status = await runTdauth(["status", "--json"], env);
    expect(status.code).toBe(3);
    expect(JSON.parse(status.stdout).state).toBe("unauthenticated");
  });

  it("with no credentials file creates no folder and says there was nothing to remove", async () => {
    const home = join(dir, "never", "created");
    const env = cleanEnv({ TDAUTH_HOME: home });
    const out = await runTdauth(["logout"], env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(`Nothing to remove: there is no credentials file at ${join(home, "td_state.json")}.\n`);
    expect(existsSync(join(dir, "never"))).toBe(false);
    const json = await runTdauth(["logout", "--json"], env);
    expect(JSON.parse(json.stdout)).toEqual({ state: "unauthenticated", credentials: join(home, "td_state.json"), removed: false });
    expect(existsSync(join(dir, "never"))).toBe(false);
  });

  it("with a file present says removed in --json too", async () => {
    const home = join(dir, "plain");
    await new FileStore(join(home, "td_state.json"), { onWarning: () => {} }).save(tokens);
    const out = await runTdauth(["logout", "--json"], cleanEnv({ TDAUTH_HOME: home }));
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ state: "unauthenticated", credentials: join(home, "td_state.json"), removed: true });
    expect(existsSync(join(home, "td_state.json"))).toBe(false);
  });
});

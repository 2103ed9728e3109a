// `tdauth login --format schwab-py` through the real binary: it writes schwab-py's token file, later
// commands read it and keep its layout, and a wrong --format is a usage error that writes nothing.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/types.ts";
import { cleanEnv, runTdauth } from "./_run.ts";

let emu: RunningEmulator;
let home: string;
let env: Record<string, string>;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
  home = mkdtempSync(join(tmpdir(), "tdauth-cli-format-"));
  env = cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url });
});
afterAll(async () => {
  await emu?.close();
  rmSync(home, { recursive: true, force: true });
});

describe("tdauth login --format", () => {
  it("writes schwab-py's token file, which status reads and refresh keeps", async () => {
    const path = join(home, "token.json");
    const login = await runTdauth(["login", "--flow", "auto", "--format", "schwab-py", "--credentials", path], env);
    expect(login.code, login.stderr).toBe(0);
    const file = JSON.parse(readFileSync(path, "utf8"));
    expect(Object.keys(file)).toEqual(["creation_timestamp", "token", "tdauth"]);
    expect(Number.isInteger(file.creation_timestamp)).toBe(true);
    expect(Math.abs(file.creation_timestamp * 1000 - Date.now())).toBeLessThan(60_000);
    expect(Object.keys(file.token)).toEqual([
      "expires_in",
      "token_type",
      "scope",
      "refresh_token",
      "access_token",
      "id_token",
      "expires_at",
    ]);
    expect(file.tdauth).toMatchObject({ provider: "schwab", base_url: emu.url });

    const status = await runTdauth(["status", "--json", "--credentials", path], env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      state: "authenticated",
      authorizedAt: new Date(file.creation_timestamp * 1000).toISOString(),
    });

    const refresh = await runTdauth(["refresh", "--credentials", path], env);
    expect(refresh.code, refresh.stderr).toBe(0);
    const after = JSON.parse(readFileSync(path, "utf8"));
    expect(after.creation_timestamp).toBe(file.creation_timestamp);
    expect(after.token.access_token).not.toBe(file.token.access_token);
  });

  it("refuses a format it does not know with a usage error, and writes nothing", async () => {
    const path = join(home, "never.json");
    const result = await runTdauth(["login", "--flow", "auto", "--format", "json", "--credentials", path], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: --format must be tdauth or schwab-py, not "json"\n');
    expect(existsSync(path)).toBe(false);
  });
});

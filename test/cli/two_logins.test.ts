// Schwab keeps one session per user: a second login (another credentials file, as another machine
// or tool would have) ends the first. The first session's next refresh is refused long before its
// 7 days, and the error says a newer login probably replaced it, and when and where this one was
// made; `tdauth login` warns before it replaces a live session.
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "../../adapters/file/store.ts";
import { startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/types.ts";
import { cleanEnv, runTdauth } from "./_run.ts";

let emu: RunningEmulator;
let home: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true, schwabOneSessionPerUser: true });
  home = mkdtempSync(join(tmpdir(), "tdauth-two-"));
});
afterAll(async () => {
  await emu?.close();
  rmSync(home, { recursive: true, force: true });
});

const env = (file: string) =>
  cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url, TDAUTH_CREDENTIALS: join(home, file) });

describe("two logins to one Schwab account", () => {
  it("end the first session, whose error names the newer login as the likely cause", async () => {
    expect((await runTdauth(["login", "--flow", "auto"], env("first.json"))).code).toBe(0);
    const first = (await new FileStore(join(home, "first.json"), { onWarning: () => {} }).load())!;
    expect(first.loginTool).toMatch(/^tdauth /);
    expect(first.loginHost).toBe(hostname());

    // Another machine (here: another credentials file) logs in to the same account.
    expect((await runTdauth(["login", "--flow", "auto"], env("second.json"))).code).toBe(0);
    expect(emu.emulator.stats().revokedGrants).toBe(1);

    const refresh = await runTdauth(["refresh"], env("first.json"));
    expect(refresh.code).toBe(3);
    const error = refresh.stderr.split("\n").find((line) => line.startsWith("error:"))!;
    expect(error).toMatch(/Schwab keeps one session per user/);
    expect(error).toMatch(/a newer login \(another machine, or a tool such as schwab-py\) probably replaced this one/);
    expect(error).toContain(`made ${new Date(first.authorizedAt).toISOString()} on ${hostname()}`);

    // status keeps saying why.
    const status = JSON.parse((await runTdauth(["status", "--json"], env("first.json"))).stdout);
    expect(status).toMatchObject({ state: "expired", reason: expect.stringMatching(/probably replaced this one/) });
  }, 60_000);

  it("tdauth login warns on stderr before it replaces a live session", async () => {
    expect((await runTdauth(["login", "--flow", "auto"], env("third.json"))).code).toBe(0);
    const again = await runTdauth(["login", "--flow", "auto"], env("third.json"));
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(
      /^warning: this login replaces the live Charles Schwab session made .* on .*: Schwab keeps one session per user, so every program still using it \(here or on another machine\) must then read the new tokens$/m,
    );
    // --if-needed on a good session logs in nowhere, and says so in one line.
    const requests = emu.emulator.stats().authorizationCodeGrants;
    const skip = await runTdauth(["login", "--if-needed", "--flow", "auto"], env("third.json"));
    expect(skip.code).toBe(0);
    expect(skip.stdout).toMatch(/^✓ Logged in to Charles Schwab until .*: no login needed \(none due within 48 h\)\.\n$/);
    expect(skip.stderr).toBe("");
    expect(emu.emulator.stats().authorizationCodeGrants).toBe(requests);
    // With a window wider than what is left, it logs in.
    const due = await runTdauth(["login", "--if-needed", "--within", "8d", "--flow", "auto"], env("third.json"));
    expect(due.code).toBe(0);
    expect(emu.emulator.stats().authorizationCodeGrants).toBe(requests + 1);
  }, 60_000);
});

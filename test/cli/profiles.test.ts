// Profiles through the real binary: --profile NAME and TDAUTH_PROFILE keep separate config and
// credentials under $TDAUTH_HOME/profiles/NAME/, names that could leave that folder are usage
// errors, and `status --all` lists the default session and every profile.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/types.ts";
import { builtBinary, cleanEnv, type Result, runTdauth } from "./_run.ts";

const LIVE_APP = { flavour: "schwab", clientId: "ProfileTestLiveAppKey00000000001", clientSecret: "LiveAppSecret001" } as const;
/** Every run here is of the built binary (dist/bin/tdauth.cjs), the file npm installs as `tdauth`. */
const BINARY = builtBinary();
const run = (args: string[], env: Record<string, string>, input = ""): Promise<Result> => runTdauth(args, env, input, BINARY);

let emu: RunningEmulator;
let home: string;
let env: Record<string, string>;
const stored = (...path: string[]): { access_token: string; client_id: string } =>
  JSON.parse(readFileSync(join(home, ...path, "td_state.json"), "utf8"));

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
  emu.emulator.registerApp({ ...LIVE_APP, redirectURIs: ["https://127.0.0.1:8182"] });
  home = mkdtempSync(join(tmpdir(), "tdauth-cli-profiles-"));
  // The default session and "paper" use the emulator's default app from the environment; "live"
  // is another app, set in its own tdauth.json, which the default's tdauth.json must not reach.
  env = cleanEnv({ TDAUTH_HOME: home, TDAUTH_EMULATOR_URL: emu.url });
  writeFileSync(join(home, "tdauth.json"), JSON.stringify({ provider: "emulator" }));
  mkdirSync(join(home, "profiles", "live"), { recursive: true });
  writeFileSync(
    join(home, "profiles", "live", "tdauth.json"),
    JSON.stringify({ provider: "emulator", clientId: LIVE_APP.clientId, clientSecret: LIVE_APP.clientSecret }),
  );
  writeFileSync(join(home, "profiles", "paper.txt"), "not a profile: a file");
});
afterAll(async () => {
  await emu?.close();
  rmSync(home, { recursive: true, force: true });
});

describe("profiles", () => {
  it("keeps each profile's credentials in its own folder: --profile and TDAUTH_PROFILE", async () => {
    const paper = await run(["login", "--flow", "auto", "--profile", "paper", "--provider", "emulator"], env);
    expect(paper.code, paper.stderr).toBe(0);
    const live = await run(["login", "--flow", "auto"], { ...env, TDAUTH_PROFILE: "live" });
    expect(live.code, live.stderr).toBe(0);
    expect(existsSync(join(home, "td_state.json"))).toBe(false);
    expect(stored("profiles", "live").client_id).toBe(LIVE_APP.clientId);
    expect(stored("profiles", "paper").client_id).not.toBe(LIVE_APP.clientId);
    const token = await run(["token", "--profile", "paper"], env);
    expect(token.stdout).toBe(`${stored("profiles", "paper").access_token}\n`);
    const liveToken = await run(["token"], { ...env, TDAUTH_PROFILE: "live" });
    expect(liveToken.stdout).toBe(`${stored("profiles", "live").access_token}\n`);
    // The flag wins over the variable.
    const flagWins = await run(["status", "--json", "--profile", "paper"], { ...env, TDAUTH_PROFILE: "live" });
    expect(JSON.parse(flagWins.stdout).credentials).toBe(join(home, "profiles", "paper", "td_state.json"));
  });

  it.each([
    [["--profile", "../escape"], '--profile "../escape" is not a profile name'],
    [["--profile", "a/b"], '--profile "a/b" is not a profile name'],
    [["--profile", ".hidden"], '--profile ".hidden" is not a profile name'],
    [["--profile", ""], '--profile "" is not a profile name'],
  ])("refuses the profile name in %j with a usage error", async (args, message) => {
    const result = await run(["status", ...args], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: ${message}\nhint: a profile name is 1-64 letters, digits, ".", "_" and "-", starting with a letter or digit (no path separators, no "..")\n`,
    );
    expect(existsSync(join(home, "escape"))).toBe(false);
  });

  it("refuses a TDAUTH_PROFILE that is a path, naming the variable", async () => {
    const result = await run(["token"], { ...env, TDAUTH_PROFILE: "x/../../y" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: TDAUTH_PROFILE "x\/\.\.\/\.\.\/y" is not a profile name\n/);
  });

  it("status --all lists the default session and every profile, as text and as JSON", async () => {
    const text = await run(["status", "--all"], env);
    // The default session is not logged in: exit 3, with the command that fixes it.
    expect(text.code, text.stderr).toBe(3);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^profile +state +provider +client id +access token +refresh token +credentials$/);
    expect(lines.slice(1).map((line) => line.split(/ {2,}/).slice(0, 2))).toEqual([
      ["(default)", "unauthenticated"],
      ["live", "authenticated"],
      ["paper", "authenticated"],
    ]);
    expect(lines[2]).toMatch(/ProfileTestLiveAppKey00000000001|Prof…0001/);
    expect(text.stderr).toBe("hint: the default session needs a login: run `tdauth login`\n");

    const json = await run(["status", "--all", "--json"], env);
    const rows = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((row) => [row.profile, row.state, row.credentials])).toEqual([
      [null, "unauthenticated", join(home, "td_state.json")],
      ["live", "authenticated", join(home, "profiles", "live", "td_state.json")],
      ["paper", "authenticated", join(home, "profiles", "paper", "td_state.json")],
    ]);
    for (const row of rows) expect(JSON.stringify(row)).not.toContain(stored("profiles", "paper").access_token);

    const login = await run(["login", "--flow", "auto"], env);
    expect(login.code, login.stderr).toBe(0);
    expect((await run(["status", "--all"], { ...env, TDAUTH_PROFILE: "live" })).code).toBe(0);
  });

  it("status --all reports a profile it cannot read, and still lists the others (exit 1)", async () => {
    mkdirSync(join(home, "profiles", "broken"));
    writeFileSync(join(home, "profiles", "broken", "td_state.json"), "{ not json");
    try {
      const result = await run(["status", "--all", "--json"], env);
      expect(result.code).toBe(1);
      const rows = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
      expect(rows.map((row) => row.profile)).toEqual([null, "broken", "live", "paper"]);
      expect(rows[1]).toEqual({
        profile: "broken",
        credentials: join(home, "profiles", "broken", "td_state.json"),
        error: expect.stringMatching(/is not valid JSON/),
      });
    } finally {
      rmSync(join(home, "profiles", "broken"), { recursive: true });
    }
  });

  it("status --all takes no --profile or --credentials: one file for all would be wrong", async () => {
    for (const extra of [["--profile", "live"], ["--credentials", join(home, "x.json")]]) {
      const result = await run(["status", "--all", ...extra], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: tdauth status: --all and --(profile|credentials) cannot be combined\n/);
    }
  });

  it("logs out of one profile only", async () => {
    const result = await run(["logout", "--profile", "paper"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(home, "profiles", "paper", "td_state.json"))).toBe(false);
    expect(existsSync(join(home, "profiles", "live", "td_state.json"))).toBe(true);
    expect(existsSync(join(home, "td_state.json"))).toBe(true);
  });
});

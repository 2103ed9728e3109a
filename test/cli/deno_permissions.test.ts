// `tdauth` on Deno with narrow permissions, as the README documents them: each permission left
// out gives one `error:` line naming the flag to add (never a NotCapable stack), and the
// documented set is enough for login, status, token and refresh.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/types.ts";
import { cleanEnv, ROOT, runTdauth } from "./_run.ts";

const DENO = join(ROOT, "node_modules/.bin/deno");
let emu: RunningEmulator;
let home: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
  home = mkdtempSync(join(tmpdir(), "tdauth-deno-perm-"));
});
afterAll(async () => {
  await emu?.close();
  rmSync(home, { recursive: true, force: true });
});

/** `deno run <permissions> cli/main.ts <args>` with HOME (not TDAUTH_HOME) at `userHome`. */
function denoTdauth(permissions: string[], args: string[], userHome: string, extra: Record<string, string> = {}) {
  const env = cleanEnv({ HOME: userHome, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url, ...extra });
  return runTdauth(args, env, "", [DENO, "run", "--no-prompt", ...permissions, "cli/main.ts"]);
}

const HINT = "hint: everything tdauth may ask for: --allow-env --allow-read=FOLDER --allow-write=FOLDER " +
  "--allow-net=TOKEN_HOST,127.0.0.1 (or -A)\n";

describe("tdauth on Deno without a permission it needs", () => {
  it("names --allow-env in one line, with no stack from the reporter", async () => {
    const result = await denoTdauth([], ["status"], home);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: Deno needs env access to "TDAUTH_HOME": run again with --allow-env\n${HINT}`);
  });

  it("names --allow-read of the credentials folder", async () => {
    const user = join(home, "read");
    const result = await denoTdauth(["--allow-env"], ["status"], user);
    expect(result.code).toBe(2);
    const folder = join(user, ".td_python_api");
    expect(result.stderr).toBe(
      `error: Deno needs read access to "${join(folder, "tdauth.json")}": run again with --allow-read=${folder}\n${HINT}`,
    );
  });

  it("names --allow-write of the credentials folder when a login saves", async () => {
    const user = join(home, "write");
    const folder = join(user, ".td_python_api");
    const result = await denoTdauth([`--allow-env`, `--allow-read=${folder}`, "--allow-net=127.0.0.1"], ["login", "--flow", "auto"], user);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^error: Deno needs write access to "${folder}[^"]*": run again with --allow-write=${folder}\\n`),
    );
    expect(result.stderr.split("\n").filter(Boolean)).toHaveLength(2);
  });

  it("names --allow-net of the host it tried", async () => {
    const user = join(home, "net");
    const folder = join(user, ".td_python_api");
    const result = await denoTdauth(
      [`--allow-env`, `--allow-read=${folder}`, `--allow-write=${folder}`],
      ["login", "--flow", "auto"],
      user,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: Deno needs net access to "${new URL(emu.url).host}": run again with --allow-net=127.0.0.1\n${HINT}`);
  });
});

describe("tdauth on Deno with the documented permissions", () => {
  it("logs in, reports, hands out and refreshes a token with env, the folder and 127.0.0.1 only (no --allow-sys)", async () => {
    const user = join(home, "narrow");
    mkdirSync(user);
    const folder = join(user, ".td_python_api");
    const permissions = ["--allow-env", `--allow-read=${folder}`, `--allow-write=${folder}`, "--allow-net=127.0.0.1"];
    const login = await denoTdauth(permissions, ["login", "--flow", "auto"], user);
    expect(login.code, login.stderr).toBe(0);
    const status = await denoTdauth(permissions, ["status", "--json"], user);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: "authenticated", credentials: join(folder, "td_state.json") });
    const token = await denoTdauth(permissions, ["token"], user);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toMatch(/^\S+\n$/);
    // A new shell: nothing but HOME, and the credentials say where the emulator is.
    const refresh = await runTdauth(["refresh"], cleanEnv({ HOME: user }), "", [DENO, "run", "--no-prompt", ...permissions, "cli/main.ts"]);
    expect(refresh.code, refresh.stderr).toBe(0);
  });
});

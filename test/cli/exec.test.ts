// `tdauth exec` through the real binary: the program gets the token in its environment (refreshed
// first when it is near its end), its stdin, stdout, stderr and exit code; a signal that ends it
// becomes 128+n; tdauth's own failures are 125, a missing program 127, one that cannot run 126;
// SIGTERM sent to tdauth reaches the program; the token is never printed by tdauth.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/types.ts";
import { builtBinary, type Child, cleanEnv, type Result, runTdauth, tdauth } from "./_run.ts";

/** Every run here is of the built binary (dist/bin/tdauth.cjs), the file npm installs as `tdauth`. */
const BINARY = builtBinary();
const run = (args: string[], env: Record<string, string>, input = ""): Promise<Result> => runTdauth(args, env, input, BINARY);
const start = (args: string[], env: Record<string, string>): Child => tdauth(args, env, BINARY);

let emu: RunningEmulator;
let home: string;
let env: Record<string, string>;
const credentials = (): string => join(home, "td_state.json");
const stored = (): { access_token: string; access_token_expires_at: number } => JSON.parse(readFileSync(credentials(), "utf8"));
/** A Node one-liner as the program. */
const node = (script: string): string[] => [process.execPath, "-e", script];
const PRINT_ENV = node(
  "process.stdout.write(JSON.stringify({ token: process.env.TDAUTH_ACCESS_TOKEN, expiresAt: process.env.TDAUTH_ACCESS_TOKEN_EXPIRES_AT, other: process.env.SCHWAB_TOKEN }))",
);

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
  home = mkdtempSync(join(tmpdir(), "tdauth-cli-exec-"));
  env = cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url });
  const login = await run(["login", "--flow", "auto"], env);
  if (login.code !== 0) throw new Error(login.stderr);
});
afterAll(async () => {
  await emu?.close();
  rmSync(home, { recursive: true, force: true });
});

describe("tdauth exec", () => {
  it("hands the stored token to the program in TDAUTH_ACCESS_TOKEN, with its end, and prints nothing of its own", async () => {
    const result = await run(["exec", "--", ...PRINT_ENV], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    const seen = JSON.parse(result.stdout);
    expect(seen).toEqual({ token: stored().access_token, expiresAt: String(Math.floor(stored().access_token_expires_at)) });
  });

  it("uses --env NAME instead, and passes the program its arguments untouched (-- and --help included)", async () => {
    const result = await run(
      [
        "exec",
        "--env",
        "SCHWAB_TOKEN",
        "--",
        ...node("console.log(JSON.stringify([process.env.SCHWAB_TOKEN, process.argv.slice(1)]))"),
        // node's own end of options: what follows is the script's.
        "--",
        "--help",
        "--",
      ],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([stored().access_token, ["--help", "--"]]);
  });

  it("gives the program tdauth's stdin, stdout and stderr, and exits with its code", async () => {
    const result = await run(
      [
        "exec",
        "--",
        ...node("process.stdin.pipe(process.stdout); process.stdin.on('end', () => { console.error('bye'); process.exit(7); })"),
      ],
      env,
      "from stdin\n",
    );
    expect(result).toEqual({ code: 7, stdout: "from stdin\n", stderr: "bye\n" });
  });

  it("exits 128+n when signal n ends the program", async () => {
    const result = await run(["exec", "--", ...node("process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000)")], env);
    expect(result.code).toBe(143);
  });

  it("passes SIGTERM sent to tdauth on to the program, and exits as the program does", async () => {
    const child = start(
      [
        "exec",
        "--",
        ...node(
          "process.on('SIGTERM', () => { console.error('got SIGTERM'); process.exit(5); }); console.error('ready'); setInterval(() => {}, 1000)",
        ),
      ],
      env,
    );
    await child.waitForStderr(/^ready$/m);
    child.process.kill("SIGTERM");
    const result = await child.done;
    expect(result.code).toBe(5);
    expect(result.stderr).toBe("ready\ngot SIGTERM\n");
  });

  it("refreshes a token near its end first, so the program gets one with most of its life", async () => {
    const file = JSON.parse(readFileSync(credentials(), "utf8"));
    // Two minutes left of a 30-minute token.
    const now = Date.now() / 1000;
    writeFileSync(credentials(), JSON.stringify({ ...file, access_token_expires_at: now + 120, access_token_issued_at: now - 1680 }));
    const before = emu.emulator.stats().refreshGrants;
    const result = await run(["exec", "--", ...PRINT_ENV], env);
    expect(result.code, result.stderr).toBe(0);
    expect(emu.emulator.stats().refreshGrants).toBe(before + 1);
    const seen = JSON.parse(result.stdout);
    expect(seen.token).toBe(stored().access_token);
    expect(seen.token).not.toBe(file.access_token);
    expect(Number(seen.expiresAt) * 1000 - Date.now()).toBeGreaterThan(25 * 60_000);
  });

  it("exits 125 without running the program when tdauth cannot give a token", async () => {
    const marker = join(home, "ran");
    const program = node(`require("node:fs").writeFileSync(${JSON.stringify(marker)}, "")`);
    const empty = mkdtempSync(join(tmpdir(), "tdauth-cli-exec-empty-"));
    try {
      const notLoggedIn = await run(["exec", "--", ...program], { ...env, TDAUTH_HOME: empty });
      expect(notLoggedIn.code).toBe(125);
      expect(notLoggedIn.stdout).toBe("");
      expect(notLoggedIn.stderr).toMatch(/^error: Not logged in to Charles Schwab/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    const noCommand = await run(["exec", ...program], env);
    expect(noCommand.code).toBe(125);
    expect(noCommand.stderr).toBe("error: tdauth exec: no command: put it after --\nhint: tdauth exec -- python3 bot.py\n");
    const badName = await run(["exec", "--env", "NOT-A-NAME", "--", ...program], env);
    expect(badName.code).toBe(125);
    expect(badName.stderr).toMatch(/^error: tdauth exec: --env "NOT-A-NAME" is not a variable name\n/);
    const nothing = await run(["exec", "--"], env);
    expect(nothing.code).toBe(125);
    expect(nothing.stderr).toMatch(/^error: tdauth exec: no command after --\n/);
    expect(existsSync(marker)).toBe(false);
  });

  it("exits 127 for a program that is not there and 126 for one that cannot run", async () => {
    const missing = await run(["exec", "--", "tdauth-no-such-program"], env);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/^error: tdauth exec: command not found: tdauth-no-such-program \(ENOENT\)\n/);
    const script = join(home, "not-executable.sh");
    writeFileSync(script, "#!/bin/sh\necho never\n");
    chmodSync(script, 0o600);
    const cannot = await run(["exec", "--", script], env);
    expect(cannot.code).toBe(126);
    expect(cannot.stdout).toBe("");
    expect(cannot.stderr).toMatch(/^error: tdauth exec: cannot run: .*not-executable\.sh \(EACCES\)\n/);
  });
});

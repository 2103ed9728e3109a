// The core CLI scenario, runtime-neutral (node:assert, node:child_process), so the Deno and Bun
// suites run the same steps with `deno run -A cli/main.ts` and `bun cli/main.ts`.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../../emulator/mod.ts";
import { approvedRedirect, cleanEnv, PRINTED_URL, runTdauth, tdauth } from "./_run.ts";

/** Runs login (piped) → status --json → token → refresh → logout → token (3) → bad paste (2) → wrong flag (2) → serve until SIGTERM. */
export async function cliScenario(command: string[]): Promise<void> {
  const emu = await startEmulator({ port: 0, autoApprove: true });
  const home = mkdtempSync(join(tmpdir(), "tdauth-cli-rt-"));
  const env = cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url });
  const stored = () => JSON.parse(readFileSync(join(home, "td_state.json"), "utf8"));
  try {
    const login = tdauth(["login", "--flow", "manual"], env, command);
    const [, url] = await login.waitForStderr(PRINTED_URL, 60_000);
    await login.waitForStderr(/Paste the redirect URL here: $/);
    login.write("not a url at all\n");
    await login.waitForStderr(/That did not work: That is not a code or a URL/);
    login.end(`${await approvedRedirect(url!)}\n`);
    const done = await login.done;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /Logged in to Charles Schwab/);

    const status = await runTdauth(["status", "--json"], env, "", command);
    assert.equal(status.code, 0, status.stderr);
    const json = JSON.parse(status.stdout);
    assert.equal(json.state, "authenticated");
    assert.equal(json.clientId, "Tdau…0001");
    assert.ok(!status.stdout.includes(stored().access_token));

    const token = await runTdauth(["token"], env, "", command);
    assert.equal(token.code, 0, token.stderr);
    assert.equal(token.stdout, `${stored().access_token}\n`);

    const before = stored().access_token;
    const refresh = await runTdauth(["refresh"], env, "", command);
    assert.equal(refresh.code, 0, refresh.stderr);
    assert.notEqual(stored().access_token, before);
    assert.equal((await runTdauth(["token"], env, "", command)).stdout, `${stored().access_token}\n`);

    assert.equal((await runTdauth(["logout"], env, "", command)).code, 0);
    const after = await runTdauth(["token"], env, "", command);
    assert.equal(after.code, 3);
    assert.equal(after.stdout, "");
    assert.match(after.stderr, /^error: Not logged in/);

    const bad = await runTdauth(["login", "--flow", "manual"], env, "https://127.0.0.1:8182/?session=x\n", command);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: the last paste was not usable: The URL has no code parameter/m);

    const flag = await runTdauth(["status", "--frobnicate"], env, "", command);
    assert.equal(flag.code, 2);
    assert.equal(flag.stderr, "error: tdauth status: unknown option --frobnicate\nhint: run `tdauth status --help` for its options\n");

    // serve runs until it is stopped: SIGTERM ends it with exit 0 and its port closed.
    const serve = tdauth(["serve", "--port", "0", "--redirect-uri", "http://127.0.0.1:8182/callback"], env, command);
    const [, origin] = await serve.waitForStderr(/Serving the callback app on (http:\/\/127\.0\.0\.1:\d+)\//, 60_000);
    assert.equal((await fetch(`${origin}/`)).status, 200);
    serve.process.kill("SIGTERM");
    const served = await serve.done;
    assert.match(served.stderr, /Stopped \(SIGTERM\)\./);
    // Deno's node:child_process reports a child it sent a signal to as killed by it even when the
    // child handled it and exited 0 (checked here with a child that only counts signals).
    if (!("Deno" in globalThis)) assert.equal(served.code, 0, served.stderr);
    await assert.rejects(fetch(`${origin}/`));
  } finally {
    await emu.close();
    rmSync(home, { recursive: true, force: true });
  }
}

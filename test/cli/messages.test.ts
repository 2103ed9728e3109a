// What the real `tdauth` binary says when something is off: each message names the problem and
// leads to the fix (the network, not the client id; TDAUTH_KEY, not deleting the file; `tdauth
// login` when nothing is stored), with the documented exit code.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "../../adapters/file/store.ts";
import { DEFAULT_SCHWAB_APP, startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/types.ts";
import { cleanEnv, runTdauth } from "./_run.ts";

let emu: RunningEmulator;
const homes: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
});
afterAll(async () => {
  await emu?.close();
});
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function newHome(): string {
  const home = mkdtempSync(join(tmpdir(), "tdauth-msg-"));
  homes.push(home);
  return home;
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A record for the emulator's Schwab app whose access token is `accessLeftMs` from expiry. */
async function saveTokens(path: string, accessLeftMs: number, extra: { key?: string } = {}): Promise<void> {
  const now = Date.now();
  await new FileStore(path, { onWarning: () => {}, ...(extra.key ? { key: extra.key } : {}) }).save({
    accessToken: "MSG-ACCESS",
    refreshToken: "MSG-REFRESH",
    tokenType: "Bearer",
    accessExpiresAt: now + accessLeftMs,
    refreshExpiresAt: now + 6 * 86_400_000,
    authorizedAt: now - 86_400_000,
    provider: "schwab",
    clientId: DEFAULT_SCHWAB_APP.clientId,
  });
}

const errorLines = (stderr: string): string[] => stderr.split("\n").filter((line) => line.startsWith("error:"));

describe("a network error", () => {
  it("names the token endpoint it tried and hints at the network, not at the client id", async () => {
    const home = newHome();
    await saveTokens(join(home, "td_state.json"), -1000);
    const url = `http://127.0.0.1:${await deadPort()}`;
    const result = await runTdauth(["refresh"], cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: url }));
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([`error: could not reach ${url}/v1/oauth/token (connection refused)`]);
    expect(result.stderr).toMatch(/^hint: nothing answers at 127\.0\.0\.1.*`tdauth emulator`.*TDAUTH_EMULATOR_URL/m);
    expect(result.stderr).not.toMatch(/client id/i);
  });

  it("names the emulator URL that --flow auto tried", async () => {
    const home = newHome();
    const url = `http://127.0.0.1:${await deadPort()}`;
    const result = await runTdauth(
      ["login", "--flow", "auto"],
      cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: url }),
    );
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([`error: could not reach ${url}/v1/oauth/authorize (connection refused)`]);
    expect(result.stderr).not.toMatch(/client id/i);
  });
});

describe("tdauth token", () => {
  it('with nothing stored and nothing configured says "not logged in" and exits 3', async () => {
    const home = newHome();
    const result = await runTdauth(["token"], cleanEnv({ TDAUTH_HOME: home }));
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`error: not logged in: no tokens in ${join(home, "td_state.json")}\nhint: run \`tdauth login\`\n`);
  });
});

// What the real `tdauth` binary says when something is off: each message names the problem and
// leads to the fix (the network, not the client id; TDAUTH_KEY, not deleting the file; `tdauth
// login` when nothing is stored), with the documented exit code; a browser login whose callback
// port cannot be served says why and finishes by the manual flow in the same run.
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "../../adapters/file/store.ts";
import { DEFAULT_SCHWAB_APP, startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/types.ts";
import { freePort } from "../helpers/port.ts";
import { type Child, cleanEnv, ROOT, runTdauth, tdauth } from "./_run.ts";

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

/** A record for the emulator's Schwab app whose access token is `accessLeftMs` from expiry. */
async function saveTokens(
  path: string,
  accessLeftMs: number,
  extra: { key?: string; expired?: { at: number; reason: string } } = {},
): Promise<void> {
  const now = Date.now();
  await new FileStore(path, { onWarning: () => {}, ...(extra.key ? { key: extra.key } : {}) }).save({
    ...(extra.expired ? { expired: extra.expired } : {}),
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
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await runTdauth(["refresh"], cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: url }));
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([`error: could not reach ${url}/v1/oauth/token (connection refused)`]);
    expect(result.stderr).toMatch(/^hint: nothing answers at 127\.0\.0\.1.*`tdauth emulator`.*TDAUTH_EMULATOR_URL/m);
    expect(result.stderr).not.toMatch(/client id/i);
  });

  it("names the emulator URL that --flow auto tried", async () => {
    const home = newHome();
    const url = `http://127.0.0.1:${await freePort()}`;
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

describe("tdauth status", () => {
  it('with nothing configured shows "client id: not set", and null in --json', async () => {
    const home = newHome();
    const env = cleanEnv({ TDAUTH_HOME: home });
    const text = await runTdauth(["status"], env);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/^client id: +not set$/m);
    expect(text.stdout).not.toMatch(/unco/);
    const json = await runTdauth(["status", "--json"], env);
    expect(JSON.parse(json.stdout).clientId).toBeNull();
  });
});

describe("an expired session", () => {
  it("status does not say the access token expires in 29 minutes: nothing of the session is usable", async () => {
    const home = newHome();
    await saveTokens(join(home, "td_state.json"), 29 * 60_000 + 30_000, {
      expired: { at: Date.now() - 60_000, reason: "the server rejected the refresh token (invalid_grant)" },
    });
    const result = await runTdauth(["status"], cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url }));
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^state: +expired$/m);
    expect(result.stdout).not.toMatch(/in 29 minutes|in 5 days/);
    expect(result.stdout).toMatch(/^access token: +unusable: the session expired$/m);
    expect(result.stdout).toMatch(/^refresh token: +unusable: the session expired$/m);
    expect(result.stdout).toMatch(/^reason: +the server rejected the refresh token \(invalid_grant\)$/m);
    expect(result.stderr).toBe("hint: run `tdauth login`\n");
  });
});

describe("an encrypted credentials file", () => {
  const KEY = "k".repeat(32);
  const KEY_BASE64 = Buffer.from(KEY).toString("base64");

  it("without TDAUTH_KEY: a usage error that names TDAUTH_KEY and never suggests deleting the file", async () => {
    const home = newHome();
    await saveTokens(join(home, "td_state.json"), 1_800_000, { key: KEY_BASE64 });
    for (const command of [["status"], ["token"], ["refresh"]]) {
      const result = await runTdauth(command, cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url }));
      expect(result.code, `${command}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toBe(
        `error: the credentials file ${join(home, "td_state.json")} is encrypted, and TDAUTH_KEY is not set\n` +
          "hint: set TDAUTH_KEY to the key the file was written with (the file is kept as it is)\n",
      );
    }
    const right = await runTdauth(["token"], cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_KEY: KEY_BASE64 }));
    expect(right.stdout).toBe("MSG-ACCESS\n");
  });

  it("with another key: names TDAUTH_KEY as the thing to fix", async () => {
    const home = newHome();
    await saveTokens(join(home, "td_state.json"), 1_800_000, { key: KEY_BASE64 });
    const result = await runTdauth(["status"], cleanEnv({ TDAUTH_HOME: home, TDAUTH_KEY: "ab".repeat(32) }));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: TDAUTH_KEY does not decrypt the credentials file .*td_state\.json\nhint: set TDAUTH_KEY to the key/,
    );
    expect(result.stderr).not.toMatch(/delete/);
  });

  it("a malformed TDAUTH_KEY is a usage error (exit 2) with a hint", async () => {
    const home = newHome();
    const result = await runTdauth(["status"], cleanEnv({ TDAUTH_HOME: home, TDAUTH_KEY: "not-a-key" }));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: TDAUTH_KEY is not a key: it must be 32 bytes, written as 64 hex digits or in base64\n" +
        "hint: a new key: `openssl rand -base64 32`; a file written with a key needs that same key\n",
    );
  });
});

describe("the credentials remember the provider and its base URL", () => {
  it("refresh and status in a new shell find the emulator without --provider; no secret is stored", async () => {
    const home = newHome();
    const login = await runTdauth(
      ["login", "--flow", "auto"],
      cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url }),
    );
    expect(login.code, login.stderr).toBe(0);
    const file = readFileSync(join(home, "td_state.json"), "utf8");
    expect(JSON.parse(file)).toMatchObject({ provider: "schwab", base_url: emu.url, client_id: DEFAULT_SCHWAB_APP.clientId });
    expect(file).not.toContain(DEFAULT_SCHWAB_APP.clientSecret!);

    const bare = cleanEnv({ TDAUTH_HOME: home });
    const grants = emu.emulator.stats().refreshGrants;
    const refresh = await runTdauth(["refresh"], bare);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(emu.emulator.stats().refreshGrants).toBe(grants + 1);
    expect(JSON.parse(readFileSync(join(home, "td_state.json"), "utf8")).base_url).toBe(emu.url);
    const status = JSON.parse((await runTdauth(["status", "--json"], bare)).stdout);
    expect(status).toMatchObject({ state: "authenticated", clientId: "Tdau…0001" });
  });
});

describe("tdauth login --flow browser", () => {
  it("prints the URL and the waiting line once, then the success line", async () => {
    const home = newHome();
    const redirectURI = `http://127.0.0.1:${await freePort()}/callback`;
    const app = { flavour: "schwab" as const, clientId: "BrowserOnceAppKey000000000000001", clientSecret: "BrowserSecret001" };
    emu.emulator.registerApp({ ...app, redirectURIs: [redirectURI] });
    const child = tdauth(
      ["login", "--flow", "browser", "--no-browser", "--timeout", "60"],
      cleanEnv({
        TDAUTH_HOME: home,
        TDAUTH_PROVIDER: "emulator",
        TDAUTH_EMULATOR_URL: emu.url,
        TDAUTH_CLIENT_ID: app.clientId,
        TDAUTH_CLIENT_SECRET: app.clientSecret,
        TDAUTH_REDIRECT_URI: redirectURI,
      }),
    );
    child.end();
    const [, url] = await child.waitForStderr(/^ {2}(http\S+\/v1\/oauth\/authorize\?\S+)$/m);
    await child.waitForStderr(/Waiting for the login/);
    // The browser's part: the emulator approves, and its redirect reaches the CLI's callback.
    const approved = await fetch(url!, { redirect: "manual" });
    const callback = await fetch(approved.headers.get("location")!);
    expect(callback.status).toBe(200);
    await callback.body?.cancel();
    const result = await child.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.split(url!).length - 1, result.stderr).toBe(1);
    expect(result.stderr.match(/Waiting for the login/g), result.stderr).toHaveLength(1);
    expect(result.stdout).toMatch(/^✓ Logged in to Charles Schwab \(Brow…0001\)/);
  });
});

describe("a reader that stops early", () => {
  it("tdauth status | head -1: the closed pipe ends the output silently, and the exit code is status's own", async () => {
    const home = newHome();
    await saveTokens(join(home, "td_state.json"), 1_800_000);
    const env = cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url });
    for (const args of [["status"], ["status", "--json"], ["help"]]) {
      const child = spawn(process.execPath, ["bin/tdauth.mjs", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
      // The reader is gone before the first line is written: every write meets a closed pipe.
      child.stdout.destroy();
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(stderr, `${args}`).toBe("");
      expect(code, `${args}`).toBe(0);
    }
  });
});

/** A browser login for a new emulator app with `redirectURI`, run as `user`. */
function fallbackLogin(name: string, redirectURI: string, user: { uid?: number; gid?: number } = {}): { child: Child; home: string } {
  const home = newHome();
  if (user.uid !== undefined) chmodSync(home, 0o777);
  const app = { flavour: "schwab" as const, clientId: `${name}AppKey`.padEnd(32, "0"), clientSecret: "FallbackSecret01" };
  emu.emulator.registerApp({ ...app, redirectURIs: [redirectURI] });
  const env = cleanEnv({
    TDAUTH_HOME: home,
    TDAUTH_PROVIDER: "emulator",
    TDAUTH_EMULATOR_URL: emu.url,
    TDAUTH_CLIENT_ID: app.clientId,
    TDAUTH_CLIENT_SECRET: app.clientSecret,
    TDAUTH_REDIRECT_URI: redirectURI,
  });
  const child = tdauth(["login", "--flow", "browser", "--no-browser", "--timeout", "60"], env, [process.execPath, "bin/tdauth.mjs"], user);
  return { child, home };
}

/** The manual flow's part of the user: open the printed URL (the emulator approves), paste where it lands. */
async function pasteRedirect(child: Child): Promise<void> {
  const [, url] = await child.waitForStderr(/^ {2}(http\S+\/v1\/oauth\/authorize\?\S+)$/m);
  const approved = await fetch(url!, { redirect: "manual" });
  child.end(`${approved.headers.get("location")}\n`);
}

describe("tdauth login --flow browser, when the callback port cannot be served", () => {
  it("says the port is in use and finishes by the manual flow in the same run", async () => {
    const port = await freePort();
    const holder: Server = createServer((socket) => {
      requests++;
      socket.destroy();
    });
    let requests = 0;
    await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
    try {
      const { child, home } = fallbackLogin("PortInUse", `http://127.0.0.1:${port}/callback`);
      await child.waitForStderr(/Continuing with the manual login/);
      await pasteRedirect(child);
      const result = await child.done;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`warning: Port ${port} on 127.0.0.1 is in use by another program`);
      expect(result.stdout).toMatch(/^✓ Logged in to Charles Schwab \(Port…0000\)/);
      expect(JSON.parse(readFileSync(join(home, "td_state.json"), "utf8")).access_token).toBeTruthy();
      expect(requests, "nothing was sent to the program holding the port").toBe(0);
    } finally {
      holder.close();
    }
  });

  // Port 443 needs administrator rights unless the system lets everyone bind it; as root the CLI
  // runs as nobody, as the user a bot usually runs as.
  const unprivilegedFrom = Number(readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8"));
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  it.skipIf(unprivilegedFrom <= 443)(
    "explains a redirect URI without a port before binding, then finishes by the manual flow when 443 is refused",
    async () => {
      const { child, home } = fallbackLogin("NoPort", "https://127.0.0.1", asUser);
      await child.waitForStderr(/Continuing with the manual login/);
      await pasteRedirect(child);
      const result = await child.done;
      expect(result.code, result.stderr).toBe(0);
      const note = result.stderr.indexOf(
        "note: the redirect URI https://127.0.0.1 names no port, so the login must be received on port 443",
      );
      const refused = result.stderr.indexOf("warning: Port 443 on 127.0.0.1 needs administrator rights to serve");
      expect(note, result.stderr).toBeGreaterThanOrEqual(0);
      expect(refused, result.stderr).toBeGreaterThan(note);
      expect(result.stdout).toMatch(/^✓ Logged in to Charles Schwab \(NoPo…0000\)/);
      expect(JSON.parse(readFileSync(join(home, "td_state.json"), "utf8")).refresh_token).toBeTruthy();
    },
  );
});

// The real `tdauth` binary (node bin/tdauth.mjs) against an emulator started here: manual login
// with the redirect URL piped in, status --json, token, refresh, logout → exit 3, bad pastes,
// wrong flags, settings precedence; a token handed out without the app's settings; the 48-hour warning.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/types.ts";
import { approvedRedirect, cleanEnv, PRINTED_URL, ROOT, runTdauth, tdauth } from "./_run.ts";

let emu: RunningEmulator;
let home: string;
let env: Record<string, string>;
const ESC = "\x1b";

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
  home = mkdtempSync(join(tmpdir(), "tdauth-cli-"));
  env = cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url });
});

afterAll(async () => {
  await emu?.close();
  rmSync(home, { recursive: true, force: true });
});

const stored = (): { access_token: string; refresh_token: string } => JSON.parse(readFileSync(join(home, "td_state.json"), "utf8"));

/** Starts `tdauth login --flow manual`, reads the printed URL, approves it, returns the child and the redirect. */
async function startManualLogin(extraEnv: Record<string, string> = {}) {
  const child = tdauth(["login", "--flow", "manual"], { ...env, ...extraEnv });
  const [, url] = await child.waitForStderr(PRINTED_URL);
  await child.waitForStderr(/Paste the redirect URL here: $/);
  return { child, redirect: await approvedRedirect(url!) };
}

describe("tdauth against the emulator", () => {
  it("logs in with the redirect URL piped into stdin", async () => {
    const { child, redirect } = await startManualLogin();
    child.end(`${redirect}\n`);
    const result = await child.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^✓ Logged in to Charles Schwab \(Tdau…0001\)\. Access token until .+ \(in 29 minutes\); refresh token until .+ \(in 6 days\)\.\n$/,
    );
    expect(result.stderr).toContain("Open this URL in a browser");
    expect(result.stdout + result.stderr).not.toContain(stored().access_token);
    expect(result.stdout + result.stderr).not.toContain(ESC);
  });

  it("status --json reports the session in the documented shape, without tokens", async () => {
    const result = await runTdauth(["status", "--json"], env);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual([
      "state",
      "provider",
      "clientId",
      "credentials",
      "accessExpiresAt",
      "refreshExpiresAt",
      "authorizedAt",
      "reason",
      "reloginDue",
      "reloginBy",
      "refreshExpiresSoon",
    ]);
    expect(json).toMatchObject({
      state: "authenticated",
      provider: "schwab",
      clientId: "Tdau…0001",
      credentials: join(home, "td_state.json"),
      reason: null,
      reloginDue: false,
      refreshExpiresSoon: false,
    });
    expect(json.reloginBy).toBe(json.refreshExpiresAt);
    const access = Date.parse(json.accessExpiresAt) - Date.now();
    expect(access).toBeGreaterThan(25 * 60_000);
    expect(access).toBeLessThanOrEqual(30 * 60_000);
    expect(Date.parse(json.refreshExpiresAt) - Date.parse(json.authorizedAt)).toBe(7 * 86_400_000);
    expect(result.stdout).not.toContain(stored().access_token);
    expect(result.stdout).not.toContain(stored().refresh_token);
  });

  it("status shows local and relative times", async () => {
    const result = await runTdauth(["status"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^state: +authenticated$/m);
    expect(result.stdout).toMatch(/^access token: +expires \d{4}-\d\d-\d\d \d\d:\d\d.* \(in 29 minutes\)$/m);
    expect(result.stdout).toMatch(/^refresh token: +expires .* \(in 6 days\)$/m);
    expect(result.stderr).toBe("");
  });

  it("token prints only the access token", async () => {
    const result = await runTdauth(["token"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${stored().access_token}\n`);
    expect(result.stderr).toBe("");
  });

  it("token --json prints the token with its type and expiry", async () => {
    const json = JSON.parse((await runTdauth(["token", "--json"], env)).stdout);
    expect(Object.keys(json)).toEqual(["accessToken", "tokenType", "expiresAt"]);
    expect(json.accessToken).toBe(stored().access_token);
    expect(json.tokenType).toBe("Bearer");
  });

  it("refresh gets a new access token from the server", async () => {
    const before = stored().access_token;
    const grants = emu.emulator.stats().refreshGrants;
    const result = await runTdauth(["refresh"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Refreshed\. The access token expires .* \(in 29 minutes\)\.$/m);
    expect(emu.emulator.stats().refreshGrants).toBe(grants + 1);
    expect(stored().access_token).not.toBe(before);
    expect(result.stdout + result.stderr).not.toContain(stored().access_token);
    expect((await runTdauth(["token"], env)).stdout).toBe(`${stored().access_token}\n`);
  });

  it("logout clears the tokens, then token exits 3 with one error line and a hint", async () => {
    const out = await runTdauth(["logout"], env);
    expect(out.code, out.stderr).toBe(0);
    const result = await runTdauth(["token"], env);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: Not logged in to Charles Schwab/);
    expect(lines[1]).toBe("hint: run `tdauth login`");
    const status = await runTdauth(["status", "--json"], env);
    expect(status.code).toBe(3);
    expect(JSON.parse(status.stdout).state).toBe("unauthenticated");
  });

  it("explains a bad paste and accepts a good one after it", async () => {
    const { child, redirect } = await startManualLogin();
    child.write("not a url at all\n");
    await child.waitForStderr(/That did not work: That is not a code or a URL \(it contains spaces\)/);
    const other = new URL(redirect);
    other.searchParams.set("state", "someone-elses-state");
    child.write(`${other.href}\n`);
    await child.waitForStderr(/That did not work: This callback does not belong to the login in progress \(its state does not match/);
    child.write("https://127.0.0.1:8182/?session=x\n");
    await child.waitForStderr(/That did not work: The URL has no code parameter/);
    child.end(`${redirect}\n`);
    const result = await child.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Logged in to Charles Schwab");
    expect((await runTdauth(["status"], env)).code).toBe(0);
  });

  it("a bad paste followed by the end of input exits 2 with one error line", async () => {
    const { child } = await startManualLogin();
    child.end("https://127.0.0.1:8182/?session=x\n");
    const result = await child.done;
    expect(result.code).toBe(2);
    const errors = result.stderr.split("\n").filter((l) => l.startsWith("error:"));
    expect(errors).toEqual([expect.stringMatching(/^error: the last paste was not usable: The URL has no code parameter/)]);
  });

  it("stdin ending before any paste exits 2", async () => {
    const result = await runTdauth(["login", "--flow", "manual"], env, "");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: standard input ended before a redirect URL was pasted$/m);
  });

  it("starts over with a new URL when the server refuses a used code", async () => {
    const { child, redirect } = await startManualLogin();
    child.write(`${redirect}\n`);
    await child.waitForStderr(/Logged in|✓/, 1000).catch(() => undefined);
    const result = await child.done.then(async (first) => {
      // Same code again in a new login: the emulator refuses it (single use), the CLI asks anew.
      const again = tdauth(["login", "--flow", "manual"], env);
      await again.waitForStderr(/Paste the redirect URL here: $/);
      const state = /[?&]state=([^&\s]+)/.exec(again.stderr)![1]!;
      const replay = new URL(redirect);
      replay.searchParams.set("state", decodeURIComponent(state));
      again.write(`${replay.href}\n`);
      await again.waitForStderr(/The server refused that code/);
      const [, fresh] = await again.waitForStderr(/Starting over with a new login\.\n[\s\S]*?^ {2}(http\S+)$/m);
      again.end(`${await approvedRedirect(fresh!)}\n`);
      expect(first.code).toBe(0);
      return again.done;
    });
    expect(result.code, result.stderr).toBe(0);
  });

  it("login --flow auto completes against an auto-approving emulator", async () => {
    const result = await runTdauth(["login", "--flow", "auto", "--json"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).state).toBe("authenticated");
  });
});

describe("usage errors", () => {
  it("a wrong flag gives one clear line, a hint, and exit 2", async () => {
    const result = await runTdauth(["status", "--frobnicate"], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("error: tdauth status: unknown option --frobnicate\nhint: run `tdauth status --help` for its options\n");
  });

  it.each([
    [["login", "--flow", "carrier-pigeon"], /^error: --flow must be browser, manual or auto, not "carrier-pigeon"\n/],
    [["token", "--provider", "etrade"], /^error: --provider must be td, schwab or emulator, not "etrade"\n/],
    [["emulator", "--port", "99999"], /^error: --port must be a whole number from 0 to 65535, not "99999"\n/],
    [["frobnicate"], /^error: unknown command "frobnicate"\n/],
    [["status", "extra"], /^error: tdauth status: unexpected argument "extra"\n/],
    [["login", "--timeout"], /^error: tdauth login: --timeout needs a value\n/],
  ])("%j exits 2 with one error line", async (args, pattern) => {
    const result = await runTdauth(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr.split("\n").filter(Boolean).length).toBeLessThanOrEqual(2);
  });

  it("a missing client id for schwab names the three places to set it", async () => {
    const result = await runTdauth(["refresh", "--provider", "schwab"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: no client id is configured\nhint: pass --client-id, set TDAUTH_CLIENT_ID, or add "clientId" to ${
        join(home, "tdauth.json")
      }\n`,
    );
  });

  it("an http redirect URI off the loopback is refused as usage", async () => {
    const result = await runTdauth(["login", "--redirect-uri", "http://example.com/cb", "--flow", "manual"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*http:\/\/example\.com\/cb/);
  });
});

describe("settings, help and version", () => {
  it("takes flags over TDAUTH_* variables over tdauth.json", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tdauth-cfg-"));
    try {
      writeFileSync(
        join(dir, "tdauth.json"),
        JSON.stringify({ provider: "emulator", credentials: join(dir, "from-file.json"), emulatorURL: emu.url }),
      );
      const base = cleanEnv({ TDAUTH_HOME: dir });
      const credentials = async (extraEnv: Record<string, string>, args: string[] = []) =>
        JSON.parse((await runTdauth(["status", "--json", ...args], { ...base, ...extraEnv })).stdout).credentials;
      expect(await credentials({})).toBe(join(dir, "from-file.json"));
      expect(await credentials({ TDAUTH_CREDENTIALS: join(dir, "from-env.json") })).toBe(join(dir, "from-env.json"));
      expect(await credentials({ TDAUTH_CREDENTIALS: join(dir, "from-env.json") }, ["--credentials", join(dir, "from-flag.json")])).toBe(
        join(dir, "from-flag.json"),
      );
      writeFileSync(join(dir, "tdauth.json"), "{ not json");
      const bad = await runTdauth(["status"], base);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^error: .*tdauth\.json is not valid JSON\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--version prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect((await runTdauth(["--version"], env)).stdout).toBe(`tdauth ${version}\n`);
  });

  it("help documents the exit codes and every command has --help", async () => {
    const help = await runTdauth(["help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}3 {2}login needed/m);
    for (const command of ["login", "status", "token", "refresh", "logout", "serve", "emulator", "demo", "help"]) {
      const result = await runTdauth([command, "--help"], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: tdauth ${command}`));
    }
  });
});

describe("token without the app's settings", () => {
  it("hands out a stored token that still lives, and refuses (exit 2) when it would need a refresh", async () => {
    const { FileStore } = await import("../../adapters/file/store.ts");
    const dir = mkdtempSync(join(tmpdir(), "tdauth-noconf-"));
    try {
      const store = new FileStore(join(dir, "td_state.json"), { onWarning: () => {} });
      const now = Date.now();
      const tokens = {
        accessToken: "STORED-ACCESS",
        refreshToken: "STORED-REFRESH",
        tokenType: "Bearer",
        accessExpiresAt: now + 1_800_000,
        refreshExpiresAt: now + 86_400_000,
        authorizedAt: now,
        provider: "schwab",
        clientId: "SOMEAPPKEY0000000000000000000001",
      };
      await store.save(tokens);
      const bare = cleanEnv({ TDAUTH_HOME: dir });
      const ok = await runTdauth(["token"], bare);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toBe("STORED-ACCESS\n");
      const status = JSON.parse((await runTdauth(["status", "--json"], bare)).stdout);
      expect(status.clientId).toBe("SOME…0001");
      await store.save({ ...tokens, accessExpiresAt: now + 30_000 });
      const stale = await runTdauth(["token"], bare);
      expect(stale.code).toBe(2);
      // The record names its app, so what is missing for a refresh is the app's secret.
      expect(stale.stderr).toMatch(
        /^error: the access token needs a refresh, and no client secret is configured\nhint: pass --client-secret/,
      );
      expect((await store.load())?.expired).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the 48-hour warning", () => {
  it("status warns on stderr (US Eastern and local time) and says reloginDue when the refresh token dies within 48 h", async () => {
    const { FileStore } = await import("../../adapters/file/store.ts");
    const dir = mkdtempSync(join(tmpdir(), "tdauth-48h-"));
    try {
      const now = Date.now();
      await new FileStore(join(dir, "td_state.json"), { onWarning: () => {} }).save({
        accessToken: "AT-48H",
        refreshToken: "RT-48H",
        tokenType: "Bearer",
        accessExpiresAt: now + 1_800_000,
        refreshExpiresAt: now + 30 * 3_600_000,
        authorizedAt: now - 6 * 86_400_000 + 6 * 3_600_000,
        provider: "schwab",
      });
      const e = cleanEnv({ TDAUTH_HOME: dir, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url });
      const text = await runTdauth(["status"], e);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^refresh token: +expires .* \(in (29|30) hours\)$/m);
      expect(text.stderr).toMatch(
        /^warning: the refresh token dies \w{3}, .* ET \(.* here, in (29|30) hours\): run `tdauth login` before then\n$/,
      );
      const json = JSON.parse((await runTdauth(["status", "--json"], e)).stdout);
      expect(json).toMatchObject({ reloginDue: true, refreshExpiresSoon: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

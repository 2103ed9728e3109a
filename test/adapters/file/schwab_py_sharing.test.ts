// One login shared by a schwab-py program and tdauth through schwab-py's token file, against the
// emulator with refresh-token rotation and reuse detection on (a refresh token presented twice
// revokes the grant): the session moves between the two layouts and back, a stand-in for
// schwab-py (a Node process writing the file as schwab/auth.py does) and the real `tdauth`
// binary take turns refreshing, and a tdauth session holding an old token takes the newer one
// from the file. No refresh token is ever presented twice.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FileStore } from "../../../adapters/file/store.ts";
import { AuthSession } from "../../../core/session.ts";
import { DEFAULT_SCHWAB_APP, type RunningEmulator, startEmulator } from "../../../emulator/mod.ts";
import { approvedRedirect, emulatorSchwab } from "../../helpers/login.ts";
import { cleanEnv, runTdauth } from "../../cli/_run.ts";
import { FIXTURES, startChild } from "./_helpers.ts";

let emu: RunningEmulator;
let dir: string;
let path: string;
const quiet = { onWarning() {} };

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true, rotateRefreshTokens: true, reuseDetection: true });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tdauth-schwab-py-"));
  path = join(dir, "token.json");
});
afterEach(() => {
  emu.emulator.reset();
  rmSync(dir, { recursive: true, force: true });
});

interface TokenFile {
  creation_timestamp: number;
  token: { access_token: string; refresh_token: string; id_token: string; expires_at: number; expires_in: number };
  tdauth?: Record<string, unknown>;
}
const tokenFile = (): TokenFile => JSON.parse(readFileSync(path, "utf8"));

/** Runs the schwab-py stand-in once; resolves with the JSON line it printed. */
async function schwabPy(...command: string[]): Promise<{ did: string; used?: string }> {
  const bot = startChild("schwab_py_bot.mjs", [
    path,
    `${emu.url}/v1/oauth/token`,
    DEFAULT_SCHWAB_APP.clientId,
    DEFAULT_SCHWAB_APP.clientSecret!,
    ...command,
  ]);
  const line = await bot.waitFor(/^\{"did"/);
  expect(await bot.exited, bot.output()).toEqual({ code: 0, signal: null });
  return JSON.parse(line);
}

/** schwab-py's first login: it makes the token file. */
async function schwabPyLogin(): Promise<void> {
  const redirectURI = DEFAULT_SCHWAB_APP.redirectURIs[0]!;
  const url = emulatorSchwab(emu.url).authorizationURL({ state: "schwab-py-state" });
  await schwabPy("login", await approvedRedirect(url.href), redirectURI);
}

/** The text Python's json.dump makes of the file's JSON: the file's own text when tdauth wrote it as schwab-py would. */
const pythonDump = (): string =>
  execFileSync("python3", ["-c", "import json, sys; sys.stdout.write(json.dumps(json.load(open(sys.argv[1]))))", path], {
    encoding: "utf8",
  });

/** No refresh token presented twice, no grant revoked, and no refusal but `rejected` (API calls refused for their token). */
function expectNoReuse(rejected: Record<string, number> = {}): void {
  const stats = emu.emulator.stats();
  expect(stats.reuseDetections, "a refresh token was presented twice").toBe(0);
  expect(stats.revokedGrants).toBe(0);
  expect(stats.rejected).toEqual(rejected);
}

describe("a session shared with schwab-py through its token file", () => {
  it("round-trips between the layouts: load, refresh with rotation, save, reload, and back", async () => {
    await schwabPyLogin();
    const login = tokenFile();
    const session = new AuthSession({ provider: emulatorSchwab(emu.url), store: new FileStore(path, quiet) });
    await session.refresh({ force: true });
    const refreshed = tokenFile();
    expect(readFileSync(path, "utf8")).toBe(pythonDump());
    expect(refreshed.creation_timestamp).toBe(login.creation_timestamp);
    expect(refreshed.token.refresh_token).not.toBe(login.token.refresh_token);
    expect(Number.isInteger(refreshed.token.expires_at)).toBe(true);

    // Reloaded by another store: the same session, the login time from creation_timestamp.
    const reloaded = (await new FileStore(path, quiet).load())!;
    expect(reloaded).toMatchObject({
      accessToken: refreshed.token.access_token,
      refreshToken: refreshed.token.refresh_token,
      authorizedAt: login.creation_timestamp * 1000,
      refreshExpiresAt: (await session.tokens())!.refreshExpiresAt,
      provider: "schwab",
    });

    // Into tdauth's layout, refreshed there, and back into schwab-py's for the bot to refresh.
    const tdPath = join(dir, "td_state.json");
    await new FileStore(tdPath, { ...quiet, format: "tdauth" }).save(reloaded);
    const td = new AuthSession({ provider: emulatorSchwab(emu.url), store: new FileStore(tdPath, quiet) });
    await td.refresh({ force: true });
    expect(JSON.parse(readFileSync(tdPath, "utf8")).authorized_at).toBe(login.creation_timestamp);
    await new FileStore(path, { ...quiet, format: "schwab-py" }).save((await td.tokens())!);
    const back = tokenFile();
    expect(back.creation_timestamp).toBe(login.creation_timestamp);
    const { used } = await schwabPy("refresh");
    expect(used).toBe(back.token.refresh_token);
    expect(tokenFile().creation_timestamp).toBe(login.creation_timestamp);
    expect(emu.emulator.stats().refreshGrants).toBe(3);
    expectNoReuse();
  });

  it("round-trips a file in schwab-py's exact JSON (authlib's key order, a float expires_at): the same layout after a refresh", async () => {
    await schwabPyLogin();
    const login = tokenFile();
    // The fixture's bytes, this login's tokens in place of its own: json.dump's spacing, the keys
    // in the order Schwab's reply and authlib put them, expires_at a float as authlib once wrote it.
    const fixtureText = readFileSync(join(FIXTURES, "schwab_py", "token_float_expires_at.json"), "utf8");
    const fixture = JSON.parse(fixtureText) as TokenFile;
    const expiresAt = login.token.expires_at + 0.6183019;
    const text = fixtureText
      .replace(`"creation_timestamp": ${fixture.creation_timestamp}`, `"creation_timestamp": ${login.creation_timestamp}`)
      .replace(`"expires_at": ${fixture.token.expires_at}`, `"expires_at": ${expiresAt}`)
      .replace(fixture.token.access_token, login.token.access_token)
      .replace(fixture.token.refresh_token, login.token.refresh_token)
      .replace(fixture.token.id_token, login.token.id_token);
    writeFileSync(path, text, { mode: 0o600 });
    expect(tokenFile()).toEqual({ creation_timestamp: login.creation_timestamp, token: { ...login.token, expires_at: expiresAt } });
    expect(text).toBe(pythonDump());

    const store = new FileStore(path, quiet);
    expect(await store.load()).toMatchObject({
      accessToken: login.token.access_token,
      accessExpiresAt: Math.round(expiresAt * 1000),
      authorizedAt: login.creation_timestamp * 1000,
    });
    const session = new AuthSession({ provider: emulatorSchwab(emu.url), store });
    await session.refresh({ force: true });
    const refreshed = tokenFile();
    expect(Object.keys(refreshed).slice(0, 2)).toEqual(["creation_timestamp", "token"]);
    expect(Object.keys(refreshed.token)).toEqual(Object.keys(fixture.token));
    expect(refreshed.creation_timestamp).toBe(login.creation_timestamp);
    expect(refreshed.token.refresh_token).not.toBe(login.token.refresh_token);
    expect(readFileSync(path, "utf8")).toBe(pythonDump());

    // Reloaded and saved by a store told nothing: still schwab-py's layout, still the login time.
    const again = new FileStore(path, quiet);
    const reloaded = (await again.load())!;
    expect(reloaded).toMatchObject({ accessToken: refreshed.token.access_token, refreshToken: refreshed.token.refresh_token });
    await again.save(reloaded);
    expect(tokenFile()).toMatchObject({ creation_timestamp: login.creation_timestamp, token: refreshed.token });
    // And schwab-py refreshes from what tdauth left.
    const { used } = await schwabPy("refresh");
    expect(used).toBe(refreshed.token.refresh_token);
    expect(tokenFile().creation_timestamp).toBe(login.creation_timestamp);
    expectNoReuse();
  });

  it("takes turns with a schwab-py process refreshing the same file: the real binary and the stand-in", async () => {
    await schwabPyLogin();
    const created = tokenFile().creation_timestamp;
    const env = cleanEnv({ TDAUTH_HOME: dir, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url, TDAUTH_CREDENTIALS: path });
    const seen = new Set([tokenFile().token.refresh_token]);
    const turn = (by: string): void => {
      const file = tokenFile();
      expect(file.creation_timestamp, by).toBe(created);
      expect(seen.has(file.token.refresh_token), `${by} left a refresh token seen before`).toBe(false);
      seen.add(file.token.refresh_token);
    };
    for (let round = 0; round < 4; round++) {
      const { used } = await schwabPy("refresh");
      expect([...seen].at(-1)).toBe(used);
      turn("schwab-py");
      const refresh = await runTdauth(["refresh", "--json"], env);
      expect(refresh.code, refresh.stderr).toBe(0);
      expect(JSON.parse(refresh.stdout).state).toBe("authenticated");
      turn("tdauth refresh");
      expect(readFileSync(path, "utf8")).toBe(pythonDump());
    }
    // A token with time left is handed out as stored: no request, the file untouched.
    const before = readFileSync(path, "utf8");
    const token = await runTdauth(["token"], env);
    expect(token.stdout).toBe(`${tokenFile().token.access_token}\n`);
    expect(readFileSync(path, "utf8")).toBe(before);
    expect(emu.emulator.stats().refreshGrants).toBe(8);
    expectNoReuse();
  }, 120_000);

  it("has a tdauth session whose tokens schwab-py replaced use the file's: after a 401, and for a refresh", async () => {
    await schwabPyLogin();
    const session = new AuthSession({ provider: emulatorSchwab(emu.url), store: new FileStore(path, quiet) });
    const held = await session.accessToken();
    // schwab-py refreshes: the emulator ends the access token the session holds, and rotates the refresh token it knows.
    await schwabPy("refresh");
    const requests = emu.emulator.stats().tokenRequests;
    const quotes = await session.fetch("/marketdata/v1/quotes?symbols=AAPL");
    expect(quotes.status).toBe(200);
    await quotes.body?.cancel();
    // The 401 sent it to the file, where schwab-py's token was: no token request of its own.
    expect(emu.emulator.stats().tokenRequests).toBe(requests);
    expect(await session.accessToken()).not.toBe(held);
    await schwabPy("refresh");
    // Its refresh re-reads the file under its lock: the refresh token it presents is schwab-py's newest.
    const newest = tokenFile().token.refresh_token;
    await session.refresh({ force: true });
    expect(tokenFile().token.refresh_token).not.toBe(newest);
    expect(emu.emulator.stats().refreshGrants).toBe(3);
    // The one refusal: the API call with the access token schwab-py's refresh ended.
    expectNoReuse({ invalid_token: 1 });
  });
});

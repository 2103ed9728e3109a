// FileStore and schwab-py's token file: recognised on load, written byte for byte as json.dump
// writes it, the layout kept on save, the login time kept through refreshes, and a file caught
// half-written by a program that rewrites it in place read again rather than called corrupt.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FileStore } from "../../../adapters/file/store.ts";
import { PartlyWritten, settledRead } from "../../../adapters/file/_settled_read.ts";
import { StoreError } from "../../../core/errors.ts";
import type { StoredTokens } from "../../../core/types.ts";
import { FIXTURES, startChild, tempDir } from "./_helpers.ts";

const DAY = 86_400_000;
const CREATED = 1_764_590_400;
const FIXTURE = join(FIXTURES, "schwab_py", "token.json");
const FLOAT_FIXTURE = join(FIXTURES, "schwab_py", "token_float_expires_at.json");
const fixture = JSON.parse(readFileSync(FIXTURE, "utf8"));

let dir: string;
let cleanup: () => void;
let warnings: string[];
const quiet = { onWarning: (m: string) => warnings.push(m) };
beforeEach(() => ({ dir, cleanup } = tempDir()) && (warnings = []));
afterEach(() => cleanup());

const python = (script: string, ...args: string[]): string => execFileSync("python3", ["-c", script, ...args], { encoding: "utf8" });
/** The file re-serialised by Python's json.dump: equal to the text only when it is exactly what json.dump writes. */
const PY_DUMPS = "import json, sys; sys.stdout.write(json.dumps(json.load(open(sys.argv[1]))))";

/** A copy of a fixture at `dir/token.json`, private as tdauth would leave it (no mode warning). */
function place(fixturePath: string): string {
  const target = join(dir, "token.json");
  copyFileSync(fixturePath, target);
  chmodSync(target, 0o600);
  return target;
}

/** What a refresh makes of `tokens`: new tokens, issued `at`, the login time kept. */
const refreshed = (tokens: StoredTokens, at: number): StoredTokens => ({
  ...tokens,
  accessToken: "I0.refreshed-access@",
  refreshToken: "rotated-refresh@",
  accessIssuedAt: at,
  accessExpiresAt: at + 1_800_000,
});

describe("FileStore with schwab-py's token file", () => {
  it.each([["int", FIXTURE], ["float", FLOAT_FIXTURE]])(
    "loads a file schwab-py wrote (%s expires_at) as a Schwab session",
    async (_, path) => {
      const target = place(path);
      const expiresAt = JSON.parse(readFileSync(path, "utf8")).token.expires_at as number;
      expect(await new FileStore(target, quiet).load()).toEqual({
        accessToken: fixture.token.access_token,
        refreshToken: fixture.token.refresh_token,
        idToken: fixture.token.id_token,
        tokenType: "Bearer",
        scope: "api",
        accessExpiresAt: Math.round(expiresAt * 1000),
        accessIssuedAt: Math.round((expiresAt - 1800) * 1000),
        authorizedAt: CREATED * 1000,
        // schwab-py never says: Schwab's 7 days from the login.
        refreshExpiresAt: CREATED * 1000 + 7 * DAY,
        provider: "schwab",
      });
      expect(warnings).toEqual([]);
    },
  );

  it("keeps the layout on save: json.dump's bytes, Schwab's key order, the login time unmoved", async () => {
    const target = place(FIXTURE);
    const store = new FileStore(target, quiet);
    const now = (CREATED + 3 * 3600) * 1000 + 517;
    await store.save(refreshed((await store.load())!, now));
    const text = readFileSync(target, "utf8");
    expect(python(PY_DUMPS, target)).toBe(text);
    const json = JSON.parse(text);
    expect(Object.keys(json)).toEqual(["creation_timestamp", "token", "tdauth"]);
    expect(json.creation_timestamp).toBe(CREATED);
    expect(Object.keys(json.token)).toEqual(Object.keys(fixture.token));
    expect(json.token).toMatchObject({
      expires_in: 1800,
      access_token: "I0.refreshed-access@",
      refresh_token: "rotated-refresh@",
      id_token: fixture.token.id_token,
      expires_at: Math.floor(now / 1000) + 1800,
    });
    // Whole seconds, as authlib writes them: int(time.time()) + expires_in.
    expect(text).toContain(`"expires_at": ${Math.floor(now / 1000) + 1800}}`);
    expect(json.tdauth).toMatchObject({ provider: "schwab", refresh_token_expires_at: CREATED + 7 * 86_400 });
    // Nothing of the token twice: tdauth's own object holds no secret.
    expect(JSON.stringify(json.tdauth)).not.toMatch(/refreshed-access|rotated-refresh|eyJ/);
  });

  it("writes a file schwab-py's loader takes, and reads what schwab-py writes back (its own keys dropped)", async () => {
    const target = join(dir, "token.json");
    const store = new FileStore(target, { ...quiet, format: "schwab-py" });
    const login = CREATED * 1000 + 250;
    await store.save({
      accessToken: "AT-1@",
      refreshToken: "RT-1@",
      idToken: "ID-1",
      tokenType: "Bearer",
      scope: "api",
      accessIssuedAt: login,
      accessExpiresAt: login + 1_800_000,
      authorizedAt: login,
      refreshExpiresAt: login + 7 * DAY,
      provider: "schwab",
      clientId: "APPKEY",
      expired: { at: login + 5, reason: "Schwab rejected the refresh token" },
    });
    // schwab/auth.py: TokenMetadata.from_loaded_token, authlib's OAuth2Token, then an update_token write.
    const seen = python(
      `
import json, sys, time
path = sys.argv[1]
with open(path, 'rb') as f:
    token = json.load(f)
if 'creation_timestamp' not in token:
    raise ValueError('WARNING: The token format has changed since this token was created.')
created, t = token['creation_timestamp'], token['token']
assert isinstance(created, int), created
assert int(t['expires_at']) == t['expires_at'], t['expires_at']
seen = {'created': created, 'access': t['access_token'], 'refresh': t['refresh_token'], 'type': t['token_type']}
new = {'expires_in': 1800, 'token_type': 'Bearer', 'scope': 'api', 'refresh_token': 'RT-2@', 'access_token': 'AT-2@', 'id_token': 'ID-2', 'expires_at': created + 7200}
with open(path, 'w') as f:
    json.dump({'creation_timestamp': created, 'token': new}, f)
print(json.dumps(seen))
`,
      target,
    );
    expect(JSON.parse(seen)).toEqual({ created: CREATED, access: "AT-1@", refresh: "RT-1@", type: "Bearer" });
    const again = await new FileStore(target, quiet).load();
    // schwab-py dropped tdauth's keys (the expired marker and the client id): a Schwab session again.
    expect(again).toMatchObject({ accessToken: "AT-2@", refreshToken: "RT-2@", authorizedAt: CREATED * 1000, provider: "schwab" });
    expect(again?.expired).toBeUndefined();
    expect(again?.clientId).toBeUndefined();
  });

  it("keeps tdauth's own fields through its own saves: provider, client id, base URL, the expired marker", async () => {
    const store = new FileStore(join(dir, "token.json"), { ...quiet, format: "schwab-py" });
    const tokens: StoredTokens = {
      accessToken: "AT@",
      refreshToken: "RT@",
      tokenType: "Bearer",
      accessIssuedAt: CREATED * 1000,
      accessExpiresAt: CREATED * 1000 + 1_800_000,
      authorizedAt: CREATED * 1000,
      refreshExpiresAt: CREATED * 1000 + 7 * DAY + 250,
      provider: "schwab",
      clientId: "APPKEY",
      baseURL: "http://127.0.0.1:8777",
      expired: { at: CREATED * 1000 + 60_000, reason: "Charles Schwab rejected the refresh token (unsupported_token_type)" },
    };
    await store.save(tokens);
    expect(await new FileStore(store.path, quiet).load()).toEqual(tokens);
  });

  it("keeps unknown top-level keys, and converts between the layouts only when told", async () => {
    const target = join(dir, "token.json");
    writeFileSync(target, JSON.stringify({ ...fixture, note: { by: "another tool" } }));
    const loaded = (await new FileStore(target, quiet).load())!;
    await new FileStore(target, quiet).save(loaded);
    expect(JSON.parse(readFileSync(target, "utf8")).note).toEqual({ by: "another tool" });

    await new FileStore(target, { ...quiet, format: "tdauth" }).save(loaded);
    const td = JSON.parse(readFileSync(target, "utf8"));
    expect(td.access_token).toBe(fixture.token.access_token);
    expect(td.authorized_at).toBe(CREATED);
    expect(td.token).toBeUndefined();
    // A key of the other layout is not carried into this one.
    expect(td.note).toBeUndefined();
    // tdauth's layout stays so for a store told nothing, and goes back when told.
    await new FileStore(target, quiet).save(loaded);
    expect(JSON.parse(readFileSync(target, "utf8")).access_token).toBe(fixture.token.access_token);
    await new FileStore(target, { ...quiet, format: "schwab-py" }).save(loaded);
    expect(JSON.parse(readFileSync(target, "utf8")).creation_timestamp).toBe(CREATED);
  });

  it("keeps the layout it loaded when the file is gone by the save", async () => {
    const target = place(FIXTURE);
    const store = new FileStore(target, quiet);
    const tokens = (await store.load())!;
    await store.clear();
    await store.save(tokens);
    expect(JSON.parse(readFileSync(target, "utf8")).token.access_token).toBe(fixture.token.access_token);
  });

  it("never encrypts a schwab-py file: key with the format is a TypeError, TDAUTH_KEY a warning", async () => {
    const key = new Uint8Array(32).fill(7);
    expect(() => new FileStore(join(dir, "t.json"), { format: "schwab-py", key })).toThrow(
      /options\.key cannot be used with format "schwab-py"/,
    );
    expect(() => new FileStore(join(dir, "t.json"), { format: "jwe" as "tdauth" })).toThrow(
      /options\.format must be "tdauth" or "schwab-py"/,
    );
    const target = place(FIXTURE);
    process.env.TDAUTH_KEY = Buffer.from(key).toString("hex");
    try {
      const store = new FileStore(target, quiet);
      await store.save((await store.load())!);
      expect(JSON.parse(readFileSync(target, "utf8")).creation_timestamp).toBe(CREATED);
      expect(warnings).toEqual([
        `tdauth: ${target} is a schwab-py token file, so it stays unencrypted (schwab-py reads plain JSON) although TDAUTH_KEY is set`,
      ]);
    } finally {
      delete process.env.TDAUTH_KEY;
    }
  });

  it("refuses a token file without creation_timestamp (as schwab-py does), naming the problem and the path", async () => {
    const target = join(dir, "token.json");
    writeFileSync(target, JSON.stringify({ token: fixture.token }));
    const error = await new FileStore(target, quiet).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toBe(
      `The credentials file ${target} is not a valid credentials file (it has a "token" but no "creation_timestamp" ` +
        `(an old schwab-py or tda-api format, which schwab-py refuses too)): delete it and run \`tdauth login\`.`,
    );
    writeFileSync(target, JSON.stringify({ ...fixture, token: { ...fixture.token, expires_at: "soon" } }));
    await expect(new FileStore(target, quiet).load()).rejects.toThrow(/"token\.expires_at" is not a number of seconds/);
  });
});

describe("a file rewritten in place while tdauth reads it", () => {
  it("reads again after a short wait, then gives up with the usual StoreError", async () => {
    const waits: number[] = [];
    let reads = 0;
    const settled = await settledRead(
      () => Promise.resolve(++reads < 3 ? new PartlyWritten(new StoreError("empty")) : "whole"),
      (ms) => Promise.resolve(void waits.push(ms)),
    );
    expect(settled).toBe("whole");
    expect(waits).toEqual([5, 10]);
    const never = await settledRead(() => Promise.resolve(new PartlyWritten(new StoreError("still empty"))), () => Promise.resolve());
    expect(never).toBeInstanceOf(PartlyWritten);
  });

  it("loads every time while another process truncates and rewrites the file (schwab-py's json.dump)", async () => {
    const target = place(FIXTURE);
    const bot = startChild("schwab_py_bot.mjs", [target, "-", "-", "-", "rewrite", "150"]);
    const store = new FileStore(target, quiet);
    const failures: string[] = [];
    let loads = 0;
    let done = false;
    void bot.exited.then(() => (done = true));
    while (!done) {
      loads++;
      await store.load().then(
        (tokens) => void (tokens?.accessToken !== fixture.token.access_token && failures.push(`loaded ${tokens?.accessToken}`)),
        (error: Error) => void failures.push(error.message),
      );
    }
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(loads).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  }, 30_000);

  it("still reports a file that stays empty, and refuses to replace it", async () => {
    const target = join(dir, "token.json");
    writeFileSync(target, "");
    const store = new FileStore(target, quiet);
    await expect(store.load()).rejects.toThrow(`The credentials file ${target} is empty (a write was cut short?)`);
    await expect(store.save({ accessToken: "x", tokenType: "Bearer", accessExpiresAt: 1, authorizedAt: 1 })).rejects.toThrow(
      /is empty .* Refusing to overwrite it/,
    );
  });
});

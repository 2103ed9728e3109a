// FileStore: round trip, atomic replace, modes, corrupt files, encryption, default path.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { homedir } from "node:os";
import { defaultCredentialsPath, FileStore } from "../../../adapters/file/store.ts";
import { StoreError } from "../../../core/errors.ts";
import type { StoredTokens } from "../../../core/types.ts";
import { tempDir } from "./_helpers.ts";

const NOW = 1_795_870_740_997;
const tokens = (over: Partial<StoredTokens> = {}): StoredTokens => ({
  accessToken: "ACCESS-SECRET-1",
  refreshToken: "REFRESH-SECRET-1",
  tokenType: "Bearer",
  accessExpiresAt: NOW + 1_800_000,
  refreshExpiresAt: NOW + 7 * 86_400_000,
  authorizedAt: NOW,
  ...over,
});

let dir: string;
let cleanup: () => void;
let warnings: string[];
const quiet = { onWarning: (m: string) => warnings.push(m) };
beforeEach(() => ({ dir, cleanup } = tempDir()) && (warnings = []));
afterEach(() => cleanup());

describe("FileStore", () => {
  it("round-trips every field, the expired marker included", async () => {
    const store = new FileStore(join(dir, "td_state.json"), quiet);
    const full = tokens({
      scope: "PlaceTrades AccountAccess",
      idToken: "ID",
      provider: "schwab",
      clientId: "APP",
      baseURL: "http://127.0.0.1:8777",
      loginHost: "desk",
      loginTool: "tdauth 0.2.0 login",
      expired: { at: NOW + 5, reason: "invalid_grant" },
    });
    await store.save(full);
    expect(await store.load()).toEqual(full);
    const json = JSON.parse(readFileSync(store.path, "utf8"));
    expect(json.logged_in).toBe(false);
    expect(json.expired_reason).toBe("invalid_grant");
  });

  it("returns null for a missing file, {} and the Python library's logged-out defaults", async () => {
    const store = new FileStore(join(dir, "td_state.json"), quiet);
    expect(await store.load()).toBeNull();
    writeFileSync(store.path, "{}");
    expect(await store.load()).toBeNull();
    writeFileSync(store.path, JSON.stringify({ access_token: null, refresh_token: null, logged_in: false }));
    expect(await store.load()).toBeNull();
  });

  it("writes indent-4 JSON with the refresh expiry derived from the login when none is known", async () => {
    const store = new FileStore(join(dir, "td_state.json"), { ...quiet, refreshTokenLifetimeMs: 7 * 86_400_000 });
    await store.save(tokens({ refreshExpiresAt: undefined }));
    const text = readFileSync(store.path, "utf8");
    expect(text.startsWith('{\n    "access_token": "ACCESS-SECRET-1",\n')).toBe(true);
    expect(JSON.parse(text).refresh_token_expires_at).toBe((NOW + 7 * 86_400_000) / 1000);
  });

  it("replaces the file atomically by rename and leaves no temp file", async () => {
    const store = new FileStore(join(dir, "td_state.json"), quiet);
    await store.save(tokens());
    const before = statSync(store.path).ino;
    await store.save(tokens({ accessToken: "ACCESS-SECRET-2" }));
    expect(statSync(store.path).ino).not.toBe(before);
    expect((await store.load())?.accessToken).toBe("ACCESS-SECRET-2");
    expect(readdirSync(dir)).toEqual(["td_state.json"]);
  });

  it("keeps unknown keys of an existing file", async () => {
    const store = new FileStore(join(dir, "td_state.json"), quiet);
    await store.save(tokens());
    const json = JSON.parse(readFileSync(store.path, "utf8"));
    writeFileSync(store.path, JSON.stringify({ ...json, account_number: "123", custom: { a: 1 } }));
    await store.save(tokens({ accessToken: "ACCESS-SECRET-2" }));
    const after = JSON.parse(readFileSync(store.path, "utf8"));
    expect(after.account_number).toBe("123");
    expect(after.custom).toEqual({ a: 1 });
    expect(after.access_token).toBe("ACCESS-SECRET-2");
  });

  it("creates the folder 0700 and the file 0600", async () => {
    const store = new FileStore(join(dir, "deep", "er", "td_state.json"), quiet);
    await store.save(tokens());
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "deep", "er")).mode & 0o777).toBe(0o700);
    expect(warnings).toEqual([]);
  });

  it("tightens a loose default folder and a loose file, and says so once", async () => {
    const home = join(dir, "home");
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    process.env.TDAUTH_HOME = home;
    try {
      const store = new FileStore(undefined, quiet);
      expect(store.path).toBe(join(home, "td_state.json"));
      await store.save(tokens());
      expect(statSync(home).mode & 0o777).toBe(0o700);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/0755.*0700/);
      chmodSync(store.path, 0o644);
      await store.load();
      await store.load();
      expect(statSync(store.path).mode & 0o777).toBe(0o600);
      expect(warnings).toHaveLength(2);
      expect(warnings[1]).toContain("0644");
      expect(warnings.join()).not.toContain("SECRET");
    } finally {
      delete process.env.TDAUTH_HOME;
    }
  });

  it("only warns about a custom folder that others can write to", async () => {
    const shared = join(dir, "shared");
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const store = new FileStore(join(shared, "creds.json"), quiet);
    await store.save(tokens());
    expect(statSync(shared).mode & 0o777).toBe(0o777);
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(warnings[0]).toMatch(/can write to the folder/);
  });

  it.each([
    ["corrupt JSON", '{"access_token": "ACCESS-SECRET-9", "refresh_tok', /not valid JSON/],
    ["an empty file", "", /is empty/],
    ["wrong types", '{"access_token": "ACCESS-SECRET-9", "access_token_expires_at": "soon"}', /access_token_expires_at/],
    ["a non-object", '["ACCESS-SECRET-9"]', /not a JSON object/],
  ])("reports %s as StoreError naming the path, and never changes the file", async (_name, content, reason) => {
    const store = new FileStore(join(dir, "td_state.json"), quiet);
    writeFileSync(store.path, content, { mode: 0o644 });
    const err = await store.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain(store.path);
    expect((err as Error).message).toMatch(reason);
    expect((err as Error).message).toMatch(/delete it and run `tdauth login`/);
    expect((err as Error).message).not.toContain("SECRET");
    expect(JSON.stringify(err)).not.toContain("SECRET");
    await expect(store.save(tokens())).rejects.toThrow(/Refusing to overwrite/);
    expect(readFileSync(store.path, "utf8")).toBe(content);
    expect(statSync(store.path).mode & 0o777).toBe(0o644);
  });

  it("replaces a corrupt file only with overwriteCorrupt, and clear() deletes it", async () => {
    const path = join(dir, "td_state.json");
    writeFileSync(path, "{nope");
    await new FileStore(path, { ...quiet, overwriteCorrupt: true }).save(tokens());
    expect(warnings[0]).toMatch(/replaced the unreadable/);
    const store = new FileStore(path, quiet);
    expect((await store.load())?.accessToken).toBe("ACCESS-SECRET-1");
    await store.clear();
    await store.clear();
    expect(await store.load()).toBeNull();
  });

  it("clear() through a symlink removes the tokens where save() put them, keeps the link, and save() writes there again", async () => {
    const synced = join(dir, "synced");
    mkdirSync(synced);
    const target = join(synced, "td_state.json");
    const link = join(dir, "td_state.json");
    symlinkSync(target, link);
    const store = new FileStore(link, quiet);
    await store.save(tokens());
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, "utf8")).access_token).toBe("ACCESS-SECRET-1");
    await store.clear();
    expect(existsSync(target)).toBe(false);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(await store.load()).toBeNull();
    await store.clear();
    await store.save(tokens({ accessToken: "ACCESS-SECRET-2" }));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, "utf8")).access_token).toBe("ACCESS-SECRET-2");
  });

  it("reports an unreadable file as StoreError with the fix", async () => {
    if (process.getuid?.() === 0) return; // root reads anything
    const store = new FileStore(join(dir, "td_state.json"), quiet);
    await store.save(tokens());
    chmodSync(store.path, 0o000);
    await expect(store.load()).rejects.toThrow(/Cannot read .*EACCES.*owns it/);
  });

  it("removes temp files of dead writers on the next save, keeps those of live ones", async () => {
    const store = new FileStore(join(dir, "td_state.json"), quiet);
    await store.save(tokens());
    const tag = readdirSync(dir).length; // warm-up save made no temp file
    expect(tag).toBe(1);
    const { hostTag } = await import("../../../adapters/file/_fs.ts");
    const dead = join(dir, `.td_state.json.${hostTag()}.999999999.abcdef.tmp`);
    const live = join(dir, `.td_state.json.${hostTag()}.${process.ppid}.abcdef.tmp`);
    writeFileSync(dead, "x");
    writeFileSync(live, "x");
    await store.save(tokens());
    expect(readdirSync(dir).sort()).toEqual([`.td_state.json.${hostTag()}.${process.ppid}.abcdef.tmp`, "td_state.json"]);
  });
});

describe("FileStore encryption", () => {
  const key = new Uint8Array(32).map((_, i) => i + 1);
  const keyHex = Buffer.from(key).toString("hex");

  it("writes a JWE without token text and reads it back with the key in any spelling", async () => {
    const store = new FileStore(join(dir, "td_state.json"), { ...quiet, key });
    await store.save(tokens());
    const text = readFileSync(store.path, "utf8");
    expect(text).toMatch(/^eyJ[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(text).not.toContain("SECRET");
    expect(Buffer.from(text.split(".")[0]!, "base64url").toString()).toContain('"enc":"A256GCM"');
    for (const k of [keyHex, Buffer.from(key).toString("base64"), Buffer.from(key).toString("base64url")]) {
      expect(await new FileStore(store.path, { ...quiet, key: k }).load()).toEqual(tokens());
    }
  });

  it("uses TDAUTH_KEY when no key is given", async () => {
    process.env.TDAUTH_KEY = keyHex;
    try {
      const store = new FileStore(join(dir, "td_state.json"), quiet);
      expect(store.encrypted).toBe(true);
      await store.save(tokens());
    } finally {
      delete process.env.TDAUTH_KEY;
    }
    expect(readFileSync(join(dir, "td_state.json"), "utf8")).not.toContain("SECRET");
    await expect(new FileStore(join(dir, "td_state.json"), quiet).load()).rejects.toThrow(/is encrypted: set TDAUTH_KEY/);
  });

  it("fails with StoreError on a wrong key and leaves the file byte-identical", async () => {
    const path = join(dir, "td_state.json");
    await new FileStore(path, { ...quiet, key }).save(tokens());
    const before = readFileSync(path);
    const wrong = new FileStore(path, { ...quiet, key: new Uint8Array(32) });
    const err = await wrong.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(/check options.key/);
    await expect(wrong.save(tokens({ accessToken: "OTHER" }))).rejects.toBeInstanceOf(StoreError);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("reads a plain file with a key set and encrypts it at the next save", async () => {
    const path = join(dir, "td_state.json");
    await new FileStore(path, quiet).save(tokens());
    const store = new FileStore(path, { ...quiet, key });
    expect(await store.load()).toEqual(tokens());
    expect(warnings[0]).toMatch(/not encrypted yet/);
    await store.save(tokens());
    expect(readFileSync(path, "utf8")).not.toContain("SECRET");
  });

  it("rejects a malformed key with a TypeError that does not echo it", () => {
    expect(() => new FileStore(join(dir, "x"), { key: "not-a-key-SECRETVALUE" })).toThrow(TypeError);
    expect(() => new FileStore(join(dir, "x"), { key: "not-a-key-SECRETVALUE" })).not.toThrow(/SECRETVALUE/);
    expect(() => new FileStore(join(dir, "x"), { key: new Uint8Array(16) })).toThrow(/options.key must be 32 bytes/);
  });
});

describe("defaultCredentialsPath", () => {
  it("is ~/.td_python_api/td_state.json, with TDAUTH_HOME overriding the folder", () => {
    expect(defaultCredentialsPath({})).toBe(join(homedir(), ".td_python_api", "td_state.json"));
    expect(defaultCredentialsPath({ TDAUTH_HOME: "/srv/td" })).toBe("/srv/td/td_state.json");
    expect(defaultCredentialsPath({ TDAUTH_HOME: "~/td" })).toBe(join(homedir(), "td", "td_state.json"));
  });

  it("rejects bad arguments with a TypeError naming them", () => {
    expect(() => new FileStore("")).toThrow(/path/);
    expect(() => new FileStore("x", { refreshTokenLifetimeMs: -1 })).toThrow(/refreshTokenLifetimeMs/);
  });
});

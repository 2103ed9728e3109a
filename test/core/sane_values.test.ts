// Sane values only: an expires_in that is not 1 s to 10 years, or a token with control
// characters, white space or non-ASCII, is a TokenResponseError, after saving any usable new
// refresh token the server may already have rotated to; stored times are range-checked.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/mod.ts";
import { FileStore } from "../../adapters/file/store.ts";
import { StoreError, TokenResponseError } from "../../core/errors.ts";
import { MemoryStore } from "../../core/memory_store.ts";
import { AuthSession } from "../../core/session.ts";
import { classifyTokenReply } from "../../core/token_response.ts";
import { emulatorLogin, emulatorSchwab } from "../helpers/login.ts";
import { cleanEnv, runTdauth } from "../cli/_run.ts";

type Running = Awaited<ReturnType<typeof startEmulator>>;
let emu: Running;
let dir: string;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true, rotateRefreshTokens: true, reuseDetection: true });
  dir = mkdtempSync(join(tmpdir(), "tdauth-sane-"));
});
afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => emu.emulator.reset());

async function loggedIn(): Promise<{ session: AuthSession; store: MemoryStore }> {
  const store = new MemoryStore();
  const session = new AuthSession({ provider: emulatorSchwab(emu.url), store, sleep: () => Promise.resolve() });
  await emulatorLogin(session);
  return { session, store };
}

describe("expires_in", () => {
  it("of 1e306 is refused, and the refresh token the server rotated to is saved first", async () => {
    const { session, store } = await loggedIn();
    const before = (await store.load())!;
    emu.emulator.injectFault({ target: "token", kind: "expires-in", expiresIn: 1e306 });
    const error = await session.refresh({ force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenResponseError);
    expect((error as Error).message).toMatch(/an expires_in out of range/);
    const after = (await store.load())!;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessExpiresAt).toBe(before.accessExpiresAt);
    // The next refresh spends the rotated token: no reuse, the grant lives.
    await session.refresh({ force: true });
    expect(emu.emulator.stats().reuseDetections).toBe(0);
    expect((await session.status()).state).toBe("authenticated");
  });

  it.each([0, -1, 315_360_001, "soon"])("of %j is refused, and the stored access token stays", async (expiresIn) => {
    const { session, store } = await loggedIn();
    const before = (await store.load())!;
    emu.emulator.injectFault({ target: "token", kind: "expires-in", expiresIn });
    await expect(session.refresh({ force: true })).rejects.toThrow(TokenResponseError);
    expect((await store.load())!.accessToken).toBe(before.accessToken);
  });

  it('of "1800" (a numeric string) is taken', async () => {
    const { session } = await loggedIn();
    emu.emulator.injectFault({ target: "token", kind: "expires-in", expiresIn: "1800" });
    await expect(session.refresh({ force: true })).resolves.toMatchObject({ state: "authenticated" });
  });
});

describe("tokens", () => {
  it.each(["access_token", "refresh_token"] as const)("with CR, LF and NUL in the %s are refused", async (field) => {
    const { session, store } = await loggedIn();
    const before = (await store.load())!;
    emu.emulator.injectFault({ target: "token", kind: "control-characters", field });
    const error = await session.refresh({ force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenResponseError);
    expect((error as Error).message).toContain(`a ${field} with control characters, white space or non-ASCII`);
    expect((error as Error).message).not.toMatch(/[\r\n\0]/);
    expect((await store.load())!.accessToken).toBe(before.accessToken);
  });

  it("keep @ and the other visible ASCII characters", () => {
    const body = JSON.stringify({ access_token: "I0.b2F1dGgy~!#$%&'()*+,-./:;<=>?@[]^_`{|}@", refresh_token: "R@", expires_in: 1800 });
    expect(classifyTokenReply(200, null, body, 0).kind).toBe("ok");
    for (const bad of ["a b", "a\tb", "é", "a\u007f"]) {
      expect(classifyTokenReply(200, null, JSON.stringify({ access_token: bad, expires_in: 1800 }), 0).kind).toBe("invalid");
    }
  });
});

describe("stored times", () => {
  it("out of range make a clear StoreError instead of a crash, and the file is left as it is", async () => {
    const path = join(dir, "td_state.json");
    const now = Date.now() / 1000;
    const file = {
      access_token: "A",
      refresh_token: "R",
      logged_in: true,
      access_token_expires_at: 1e17,
      refresh_token_expires_at: now + 86_400,
      token_type: "Bearer",
      authorized_at: now,
    };
    writeFileSync(path, JSON.stringify(file));
    const session = new AuthSession({ provider: emulatorSchwab(emu.url), store: new FileStore(path, { onWarning() {} }) });
    await expect(session.status()).rejects.toThrow(StoreError);
    await expect(session.status()).rejects.toThrow(/"access_token_expires_at" is not a number of seconds within ten years/);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(file);
    // `tdauth status` says the same in one line (it used to crash with "Invalid time value").
    const cli = await runTdauth(["status", "--credentials", path], cleanEnv({ TDAUTH_HOME: dir }));
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^error: .*"access_token_expires_at" is not a number of seconds within ten years/m);
    expect(cli.stderr).not.toMatch(/Invalid time value|RangeError/);
  });
});

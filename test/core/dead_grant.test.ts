// When a session ends, and when it does not: only a reply that names the refresh token dead
// expires it, after a look at the store under the lock; a wrong app secret is this process's
// error; Schwab's 7 days are a soft cap that only the server's refusal enforces.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "../../adapters/file/store.ts";
import { TknExpError } from "../../core/errors.ts";
import { InProcessLock } from "../../core/in_process_lock.ts";
import { MemoryStore } from "../../core/memory_store.ts";
import { AuthSession, type AuthSessionOptions } from "../../core/session.ts";
import { clockedEmulator } from "../helpers/emulator.ts";
import { emulatorLogin, emulatorSchwab } from "../helpers/login.ts";
import { runWorker } from "./_processes.ts";

const DAY = 86_400_000;
const t = clockedEmulator(
  {},
  (emu) => emu.emulator.configure({ schwabRefreshTokenLifetimeS: 7 * 86_400, schwabDeadRefreshTokenError: "unsupported_token_type" }),
);
const { clock } = t;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tdauth-dead-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sw(options: Partial<AuthSessionOptions> = {}): AuthSession {
  return new AuthSession({ provider: emulatorSchwab(t.emu.url), now: () => clock.now, sleep: () => Promise.resolve(), ...options });
}

describe("a wrong client secret", () => {
  it("in another process is that process's TokenRequestError; the shared file stays byte-identical and the session lives", async () => {
    const path = join(dir, "secret", "td_state.json");
    const session = sw({ store: new FileStore(path, { onWarning() {} }) });
    await emulatorLogin(session);
    const bytes = readFileSync(path);
    const wrong = await runWorker({
      WORKER_MODE: "refresh",
      WORKER_PATH: path,
      WORKER_EMULATOR: t.emu.url,
      WORKER_SECRET: "WrongSecret00000",
    });
    expect(wrong.error?.name).toBe("TokenRequestError");
    expect(wrong.error?.message).toMatch(
      /refused refreshing the access token: invalid_client \(Unauthorized\)\. Check the app key and secret/,
    );
    expect(wrong.error?.message).not.toContain("WrongSecret00000");
    expect(wrong.events).toEqual(["state:authenticated"]); // the first read; never expired
    expect(wrong.state).toBe("authenticated");
    expect(readFileSync(path)).toEqual(bytes);
    // The right process goes on refreshing.
    expect((await session.refresh({ force: true })).state).toBe("authenticated");
  }, 30_000);
});

describe("a dead refresh token", () => {
  it.each(["unsupported_token_type", "invalid_client"] as const)(
    "named dead by Schwab's %s reply expires the session, and says why",
    async (reply) => {
      t.emu.emulator.configure({ schwabDeadRefreshTokenError: reply });
      const store = new MemoryStore();
      const session = sw({ store });
      await emulatorLogin(session);
      // A login elsewhere (one session per user) kills this grant.
      await emulatorLogin(sw());
      await expect(session.refresh({ force: true })).rejects.toThrow(TknExpError);
      expect((await session.status()).state).toBe("expired");
      expect((await store.load())?.expired?.reason).toContain(`rejected the refresh token (${reply})`);
    },
  );

  it("is not the end when another process saved a new grant meanwhile: the session takes it", async () => {
    const store = new MemoryStore();
    const session = sw({ store });
    await emulatorLogin(session);
    // A program outside this lock (another tool, its own lock) logs in while our refresh is in
    // flight: the login revokes the grant our refresh is sending, and saves the new one.
    const elsewhere = sw({ store, lock: new InProcessLock() });
    t.emu.emulator.injectFault({ target: "token", kind: "latency", latencyMs: 400 });
    const refresh = session.refresh({ force: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await emulatorLogin(elsewhere);
    const status = await refresh;
    expect(status.state).toBe("authenticated");
    const stored = (await store.load())!;
    expect(stored.expired).toBeUndefined();
    expect(stored.refreshToken).toBe((await elsewhere.tokens())?.refreshToken);
    expect((await session.fetch("/trader/v1/accounts/accountNumbers")).status).toBe(200);
  });

  it("ends the session at once, with access-token time left", async () => {
    const session = sw();
    await emulatorLogin(session);
    await emulatorLogin(sw());
    await expect(session.refresh({ force: true })).rejects.toThrow(TknExpError);
    const before = t.emu.emulator.stats().tokenRequests;
    expect((await session.status()).accessExpiresAt).toBeGreaterThan(clock.now);
    await expect(session.accessToken()).rejects.toThrow(/session has expired: .*rejected the refresh token/);
    expect(t.emu.emulator.stats().tokenRequests).toBe(before);
  });
});

describe("Schwab's 7 days, a soft cap", () => {
  it("past it the session stays authenticated, overdue, and a refresh the server grants keeps it going", async () => {
    t.emu.emulator.configure({ schwabRefreshTokenLifetimeS: 17 * 86_400 });
    const session = sw();
    await emulatorLogin(session);
    clock.now += 8 * DAY;
    expect(await session.status()).toMatchObject({ state: "authenticated", refreshOverdue: true });
    const before = t.emu.emulator.stats().refreshGrants;
    await session.accessToken();
    expect(t.emu.emulator.stats().refreshGrants).toBe(before + 1);
    expect(await session.status()).toMatchObject({ state: "authenticated", refreshOverdue: true });
  });

  it("past it one refresh is tried, and only the server's refusal expires the session", async () => {
    const session = sw();
    await emulatorLogin(session);
    expect((await session.status()).refreshOverdue).toBe(false);
    clock.now += 7 * DAY + 60_000;
    const before = t.emu.emulator.stats().tokenRequests;
    await expect(session.accessToken()).rejects.toThrow(/rejected the refresh token.*Log in again/);
    expect(t.emu.emulator.stats().tokenRequests - before).toBe(1);
    await expect(session.accessToken()).rejects.toThrow(TknExpError);
    expect(t.emu.emulator.stats().tokenRequests - before).toBe(1);
    expect(await session.status()).toMatchObject({ state: "expired", refreshOverdue: false });
  });
});

// The advisory and mandatory refresh windows: with more than mustRefreshMs left, a due token is
// handed out at once while one refresh runs in the background (its failure reported and backed
// off); in the last mustRefreshMs, or with a dead token, callers wait and get the error.
import { describe, expect, it } from "vitest";
import { LockTimeoutError, TokenRequestError, TokenResponseError } from "../../core/errors.ts";
import { InProcessLock } from "../../core/in_process_lock.ts";
import { MemoryStore } from "../../core/memory_store.ts";
import { AuthSession, type AuthSessionOptions, type SessionEvent } from "../../core/session.ts";
import { clockedEmulator } from "../helpers/emulator.ts";
import { emulatorLogin, emulatorSchwab } from "../helpers/login.ts";

const MIN = 60_000;
const t = clockedEmulator();
const { clock } = t;

async function loggedIn(options: Partial<AuthSessionOptions> = {}): Promise<{ session: AuthSession; first: string; failures: unknown[] }> {
  const session = new AuthSession({
    provider: emulatorSchwab(t.emu.url),
    now: () => clock.now,
    sleep: () => Promise.resolve(),
    ...options,
  });
  await emulatorLogin(session);
  const failures: unknown[] = [];
  session.subscribe((e: SessionEvent) => void (e.type === "refresh_failed" && failures.push(e.error)));
  return { session, first: await session.accessToken(), failures };
}

const refreshes = () => t.emu.emulator.stats().refreshGrants;

describe("the advisory window (refreshAheadMs, more than mustRefreshMs left)", () => {
  it("hands every caller the token in hand at once while one refresh runs in the background", async () => {
    const { session, first } = await loggedIn();
    const before = t.emu.emulator.stats().tokenRequests;
    clock.now += 26 * MIN; // 4 minutes left
    // The token endpoint takes half a second: a caller that waited for it would get the new token.
    t.emu.emulator.injectFault({ target: "token", kind: "latency", latencyMs: 500 });
    let arrived = false;
    session.subscribe((e: SessionEvent) => void (e.type === "tokens" && (arrived = true)));
    const tokens = await Promise.all(Array.from({ length: 100 }, () => session.accessToken()));
    expect(arrived, "every caller had its token before the refresh ended").toBe(false);
    expect(new Set(tokens)).toEqual(new Set([first]));
    await session.refresh(); // waits for the one in the background
    expect(t.emu.emulator.stats().tokenRequests - before).toBe(1);
    expect(await session.accessToken()).not.toBe(first);
  });

  it("reports a failed background refresh as refresh_failed, backs off, then tries again", async () => {
    const { session, first, failures } = await loggedIn();
    clock.now += 26 * MIN;
    t.emu.emulator.injectFault({ target: "token", kind: "html", count: 1 });
    expect(await session.accessToken()).toBe(first);
    await expect.poll(() => failures.length).toBe(1);
    expect(failures[0]).toBeInstanceOf(TokenResponseError);
    // Within the backoff: the token in hand, and no new request.
    const before = t.emu.emulator.stats().tokenRequests;
    for (let i = 0; i < 10; i++) expect(await session.accessToken()).toBe(first);
    expect(t.emu.emulator.stats().tokenRequests).toBe(before);
    // After it, the next caller starts another refresh, which works.
    clock.now += 2_001;
    expect(await session.accessToken()).toBe(first);
    await session.refresh();
    expect(t.emu.emulator.stats().tokenRequests).toBe(before + 1);
    expect(await session.accessToken()).not.toBe(first);
  });

  it.each(
    [
      ["a 5xx", { target: "token", kind: "status", status: 503, count: null }, TokenRequestError],
      ["a timeout", { target: "token", kind: "hang", count: null }, TokenRequestError],
    ] as const,
  )("keeps serving through %s, reported as refresh_failed", async (_, fault, kind) => {
    const { session, first, failures } = await loggedIn({ requestTimeoutMs: 100, retry: { attempts: 2 } });
    clock.now += 26 * MIN;
    t.emu.emulator.injectFault(fault);
    expect(await session.accessToken()).toBe(first);
    await expect.poll(() => failures.length, { timeout: 5_000 }).toBe(1);
    expect(failures[0]).toBeInstanceOf(kind);
    expect(await session.accessToken()).toBe(first);
    expect((await session.status()).state).toBe("authenticated");
  });

  it("reports a lock it could not get in time as refresh_failed (LockTimeoutError)", async () => {
    const store = new MemoryStore();
    const { session, first, failures } = await loggedIn({ store, lockTimeoutMs: 50 });
    const release = await InProcessLock.for(store).acquire(); // another session of this process holds it
    try {
      clock.now += 26 * MIN;
      expect(await session.accessToken()).toBe(first);
      await expect.poll(() => failures.length).toBe(1);
      expect(failures[0]).toBeInstanceOf(LockTimeoutError);
    } finally {
      await release();
    }
  });

  it("moves with mustRefreshMs", async () => {
    const { session, first } = await loggedIn({ mustRefreshMs: 4.5 * MIN });
    clock.now += 26 * MIN; // 4 minutes left: inside a 4.5-minute mandatory window
    t.emu.emulator.injectFault({ target: "token", kind: "latency", latencyMs: 300 });
    const before = refreshes();
    const token = await session.accessToken();
    expect(token).not.toBe(first);
    expect(refreshes()).toBe(before + 1);
  });
});

describe("the mandatory window (mustRefreshMs left, or dead)", () => {
  it("makes callers wait for the refresh and gives them its error", async () => {
    const { session, first } = await loggedIn();
    clock.now += 29.5 * MIN; // 30 seconds left
    t.emu.emulator.injectFault({ target: "token", kind: "html", count: 1 });
    await expect(session.accessToken()).rejects.toThrow(TokenResponseError);
    const next = await session.accessToken();
    expect(next).not.toBe(first);
  });

  it("makes callers wait for a dead token's refresh", async () => {
    const { session, first } = await loggedIn();
    clock.now += 31 * MIN;
    const before = refreshes();
    expect(await session.accessToken()).not.toBe(first);
    expect(refreshes()).toBe(before + 1);
  });
});

describe("short-lived tokens", () => {
  it("refresh half-way through their life, not on every call, when shorter than refreshAheadMs", async () => {
    t.emu.emulator.configure({ accessTokenLifetimeS: 240 });
    try {
      const { session, first } = await loggedIn();
      const before = refreshes();
      clock.now += 60_000;
      expect(await session.accessToken()).toBe(first);
      expect(refreshes()).toBe(before);
      // Half-way (2 minutes left, more than the last minute): handed out, refreshed in the background.
      clock.now += 61_000;
      expect(await session.accessToken()).toBe(first);
      await session.refresh();
      expect(refreshes()).toBe(before + 1);
      expect(await session.accessToken()).not.toBe(first);
    } finally {
      t.emu.emulator.configure({ accessTokenLifetimeS: 1800 });
    }
  });
});

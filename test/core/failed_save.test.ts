// A failed save loses nothing: after a refresh or a login whose save fails (disk full), the new
// tokens stay in memory and in use, the save is tried again on the next call, the failure is
// reported once, and a rotated refresh token (or a new login's grant) is never dropped.
import { describe, expect, it } from "vitest";
import { StoreError, TknExpError } from "../../core/errors.ts";
import { MemoryStore } from "../../core/memory_store.ts";
import { AuthSession, type SessionEvent } from "../../core/session.ts";
import type { StoredTokens, TokenStore } from "../../core/types.ts";
import { clockedEmulator } from "../helpers/emulator.ts";
import { emulatorLogin, emulatorSchwab } from "../helpers/login.ts";

const t = clockedEmulator({ rotateRefreshTokens: true, reuseDetection: true });
const { clock } = t;

/** A MemoryStore whose disk can fill up: while `full`, save() fails as a FileStore's would. */
function fillableStore(): TokenStore & { full: boolean; inner: MemoryStore; saves: number } {
  const inner = new MemoryStore();
  return {
    full: false,
    inner,
    saves: 0,
    load: () => inner.load(),
    save(tokens: StoredTokens) {
      this.saves++;
      if (this.full) {
        return Promise.reject(new StoreError("Cannot write the credentials file /srv/td_state.json (ENOSPC): check the disk."));
      }
      return inner.save(tokens);
    },
    clear: () => inner.clear(),
  };
}

describe("a login whose save fails", () => {
  it("keeps the new login in use, reports it as save_failed and throws the store's error, and saves it on the next call", async () => {
    const store = fillableStore();
    const session = new AuthSession({ provider: emulatorSchwab(t.emu.url), store, now: () => clock.now });
    const events: string[] = [];
    session.subscribe((e) => void events.push(e.type));
    store.full = true;
    // A new Schwab login has already ended the old grant at the server: losing this one is costly.
    const error = await emulatorLogin(session).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(events.filter((e) => e === "save_failed")).toHaveLength(1);
    expect(session.state).toBe("authenticated");
    expect(await store.inner.load()).toBeNull();
    const token = (await session.tokens())!.accessToken;
    expect(await session.accessToken()).toBe(token);
    expect((await session.fetch("/trader/v1/accounts/accountNumbers")).status).toBe(200);

    // The disk has room again: the next calls (which get the token in use at once) save it.
    store.full = false;
    await expect.poll(async () => {
      expect(await session.accessToken()).toBe(token);
      return (await store.inner.load())?.accessToken;
    }).toBe(token);
    expect(events.filter((e) => e === "save_failed")).toHaveLength(1);
    expect(t.emu.emulator.stats().reuseDetections).toBe(0);
  });
});

describe("a refresh whose save fails", () => {
  it("keeps the new tokens in use, reports once, retries the save on the next call, and never drops a rotated refresh token", async () => {
    const store = fillableStore();
    const session = new AuthSession({ provider: emulatorSchwab(t.emu.url), store, now: () => clock.now });
    const events: SessionEvent[] = [];
    session.subscribe((e) => void (e.type === "save_failed" && events.push(e)));
    await emulatorLogin(session);
    const saved = (await store.inner.load())!;

    store.full = true;
    const error = await session.refresh({ force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(events).toHaveLength(1);
    // In use: the new access token, though the store still holds the old record.
    const fresh = await session.accessToken();
    expect(fresh).not.toBe(saved.accessToken);
    expect((await store.inner.load())!.accessToken).toBe(saved.accessToken);
    expect((await session.tokens())!.accessToken).toBe(fresh);
    expect((await session.fetch("/trader/v1/accounts/accountNumbers")).status).toBe(200);

    // Another refresh while the disk is still full spends the rotated refresh token kept in
    // memory (the stored one is spent: the server would take it as reuse and revoke the grant).
    await expect(session.refresh({ force: true })).rejects.toThrow(StoreError);
    expect(events).toHaveLength(1);
    expect(t.emu.emulator.stats().reuseDetections).toBe(0);
    const latest = await session.accessToken();

    // The disk has room again: the next calls (which get the token in use at once) save it.
    store.full = false;
    await expect.poll(async () => {
      expect(await session.accessToken()).toBe(latest);
      return (await store.inner.load())!.accessToken;
    }).toBe(latest);
    // And from then on a fresh token costs no I/O again.
    const saves = store.saves;
    for (let i = 0; i < 10; i++) await session.accessToken();
    expect(store.saves).toBe(saves);
    expect((await session.refresh({ force: true })).state).toBe("authenticated");
    expect(t.emu.emulator.stats().reuseDetections).toBe(0);
  });

  it("reports a save that fails again after it worked", async () => {
    const store = fillableStore();
    const session = new AuthSession({ provider: emulatorSchwab(t.emu.url), store, now: () => clock.now });
    let failures = 0;
    session.subscribe((e) => void (e.type === "save_failed" && failures++));
    await emulatorLogin(session);
    store.full = true;
    await expect(session.refresh({ force: true })).rejects.toThrow(StoreError);
    store.full = false;
    await session.refresh({ force: true });
    store.full = true;
    await expect(session.refresh({ force: true })).rejects.toThrow(StoreError);
    expect(failures).toBe(2);
  });

  it("keeps a dead grant dead in memory when the store cannot take the mark", async () => {
    const store = fillableStore();
    const session = new AuthSession({ provider: emulatorSchwab(t.emu.url), store, now: () => clock.now });
    await emulatorLogin(session);
    await emulatorLogin(new AuthSession({ provider: emulatorSchwab(t.emu.url), now: () => clock.now })); // ends this grant
    store.full = true;
    await expect(session.refresh({ force: true })).rejects.toThrow(TknExpError);
    expect((await session.status()).state).toBe("expired");
    await expect(session.accessToken()).rejects.toThrow(TknExpError);
  });

  it("is forgotten by logout", async () => {
    const store = fillableStore();
    const session = new AuthSession({ provider: emulatorSchwab(t.emu.url), store, now: () => clock.now });
    await emulatorLogin(session);
    store.full = true;
    await expect(session.refresh({ force: true })).rejects.toThrow(StoreError);
    await session.logout();
    expect(await session.tokens()).toBeNull();
    expect(session.state).toBe("unauthenticated");
  });
});

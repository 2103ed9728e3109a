// The weekly re-login, as the core sees it: status() says when a login is due (reloginWarnMs before
// the refresh token's expected death) and by when, relogin_due is told once per session and
// never on the hot path, a login records where it was made, and a Schwab refusal well before the
// 7 days is explained as a newer login elsewhere.
import { describe, expect, it } from "vitest";
import { TknExpError } from "../../core/errors.ts";
import { MemoryStore } from "../../core/memory_store.ts";
import { AuthSession, type AuthSessionOptions, type SessionEvent } from "../../core/session.ts";
import { clockedEmulator } from "../helpers/emulator.ts";
import { emulatorLogin, emulatorSchwab } from "../helpers/login.ts";

const DAY = 86_400_000;
const t = clockedEmulator({ schwabOneSessionPerUser: true });
const { clock } = t;

function schwabSession(store = new MemoryStore(), options: Partial<AuthSessionOptions> = {}): AuthSession {
  return new AuthSession({ provider: emulatorSchwab(t.emu.url), store, now: () => clock.now, ...options });
}

const dueEvents = (events: SessionEvent[]) => events.filter((e) => e.type === "relogin_due");

describe("a re-login that comes due", () => {
  it("is not due on days 0 to 4, is due from day 5 (48 h before the 7 days), and says by when", async () => {
    const session = schwabSession();
    await emulatorLogin(session);
    const loggedInAt = clock.now;
    const first = await session.status();
    expect(first).toMatchObject({ reloginDue: false, reloginBy: loggedInAt + 7 * DAY });
    expect(first).not.toHaveProperty("refreshExpiresSoon");
    clock.now += 5 * DAY - 60_000;
    expect((await session.status()).reloginDue).toBe(false);
    clock.now += 120_000;
    expect(await session.status()).toMatchObject({ reloginDue: true, reloginBy: loggedInAt + 7 * DAY, state: "authenticated" });
  });

  it("is told once per session (relogin_due with refreshExpiresAt), on refresh and status, never by accessToken()", async () => {
    const session = schwabSession();
    await emulatorLogin(session);
    const refreshExpiresAt = (await session.status()).refreshExpiresAt!;
    const events: SessionEvent[] = [];
    session.subscribe((e) => void events.push(e));
    clock.now += 6 * DAY;
    // The hot path (a refresh in the background included) never tells it.
    await session.accessToken();
    await session.accessToken();
    expect(dueEvents(events)).toEqual([]);
    await session.refresh();
    expect(dueEvents(events)).toEqual([{ type: "relogin_due", refreshExpiresAt }]);
    await session.status();
    await session.refresh({ force: true });
    expect(dueEvents(events)).toHaveLength(1);
  });

  it("follows reloginWarnMs", async () => {
    const session = schwabSession(new MemoryStore(), { reloginWarnMs: 12 * 3_600_000 });
    await emulatorLogin(session);
    clock.now += 6 * DAY;
    expect((await session.status()).reloginDue).toBe(false);
    clock.now += 13 * 3_600_000;
    expect((await session.status()).reloginDue).toBe(true);
  });
});

describe("a login", () => {
  it("records where it was made (loginOrigin), and a refresh keeps it", async () => {
    const store = new MemoryStore();
    const session = schwabSession(store, { loginOrigin: { loginHost: "desk", loginTool: "bot 1.0" } });
    await emulatorLogin(session);
    expect(await store.load()).toMatchObject({ loginHost: "desk", loginTool: "bot 1.0" });
    await session.refresh({ force: true });
    expect(await store.load()).toMatchObject({ loginHost: "desk", loginTool: "bot 1.0" });
  });
});

describe("a Schwab refresh token refused long before its 7 days", () => {
  it("is explained as a newer login elsewhere, with when and where this one was made", async () => {
    const first = schwabSession(new MemoryStore(), { loginOrigin: { loginHost: "desk" } });
    await emulatorLogin(first);
    const firstAt = clock.now;
    clock.now += DAY;
    // Another machine logs in to the same account: Schwab keeps one session per user.
    await emulatorLogin(schwabSession(new MemoryStore(), { loginOrigin: { loginHost: "laptop" } }));
    const error = await first.refresh({ force: true }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TknExpError);
    expect(error.message).toMatch(/one session per user/);
    expect(error.message).toMatch(
      /Schwab keeps one session per user: a newer login \(another machine, or a tool such as schwab-py\) probably replaced this one/,
    );
    expect(error.message).toContain(`made ${new Date(firstAt).toISOString()} on desk`);
    expect((await first.status()).reason).toMatch(/probably replaced this one/);
  });

  it("past its 7 days (the soft cap) is not blamed on another login", async () => {
    const session = schwabSession();
    await emulatorLogin(session);
    clock.now += 7 * DAY + 3_600_000;
    const error = await session.accessToken().catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TknExpError);
    expect(error.message).not.toMatch(/newer login/);
  });
});

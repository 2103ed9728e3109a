// AuthSession against the emulator on 127.0.0.1: logins, refreshes, single flight, bad
// callbacks, 401 handling, expiry. The emulator and the session share one injected clock.
import { describe, expect, it } from "vitest";
import { DEFAULT_SCHWAB_APP } from "../../emulator/mod.ts";
import { APIAuthError, AuthorizationError, TknExpError, TokenResponseError } from "../../core/errors.ts";
import { MemoryStore } from "../../core/memory_store.ts";
import { AuthSession, type AuthSessionOptions, type SessionEvent } from "../../core/session.ts";
import type { StoredTokens } from "../../core/types.ts";
import { clockedEmulator } from "../helpers/emulator.ts";
import { approvedRedirect, emulatorLogin, emulatorSchwab, emulatorTD } from "../helpers/login.ts";

const t = clockedEmulator();
const { clock } = t;

function td(options: Partial<AuthSessionOptions> = {}): AuthSession {
  return new AuthSession({
    provider: emulatorTD(t.emu.url),
    now: () => clock.now,
    sleep: () => Promise.resolve(),
    ...options,
  });
}

function sw(options: Partial<AuthSessionOptions> = {}): AuthSession {
  return new AuthSession({
    provider: emulatorSchwab(t.emu.url),
    now: () => clock.now,
    sleep: () => Promise.resolve(),
    ...options,
  });
}

const MIN = 60_000;
const DAY = 86_400_000;

describe("login", () => {
  it("logs in to TD with a percent-encoded code and stores 30-minute and 90-day expiries", async () => {
    const session = td();
    const redirect = await emulatorLogin(session);
    expect(redirect).toMatch(/code=[^&]*%/);
    const status = await session.status();
    expect(status.state).toBe("authenticated");
    expect(status.accessExpiresAt).toBe(clock.now + 30 * MIN);
    expect(status.refreshExpiresAt).toBe(clock.now + 90 * DAY);
    expect(t.emu.emulator.stats().authorizationCodeGrants).toBe(1);
  });

  it("logs in to Schwab (Basic auth, %40 code, session parameter) with the 7-day cap", async () => {
    const session = sw();
    const redirect = await emulatorLogin(session);
    expect(redirect).toMatch(/%40&session=/);
    const status = await session.status();
    expect(status).toMatchObject({ state: "authenticated", provider: "schwab", refreshExpiresAt: clock.now + 7 * DAY });
    expect(status.clientId).not.toBe(DEFAULT_SCHWAB_APP.clientId);
  });

  it("goes unauthenticated → authorizing → authenticated and tells subscribers", async () => {
    const session = td();
    const seen: string[] = [];
    session.subscribe((e: SessionEvent) => {
      if (e.type === "state") seen.push(`${e.previous}→${e.state}`);
    });
    expect(session.state).toBe("unauthenticated");
    const { url } = await session.authorize();
    expect(session.state).toBe("authorizing");
    await session.complete(await approvedRedirect(url));
    expect(seen).toEqual(["unauthenticated→authorizing", "authorizing→authenticated"]);
  });
});

describe("bad callbacks are refused without a token request", () => {
  async function refused(session: AuthSession, callback: string, message: RegExp): Promise<void> {
    const before = t.emu.emulator.stats().tokenRequests;
    await expect(session.complete(callback)).rejects.toThrow(AuthorizationError);
    expect(t.emu.emulator.stats().tokenRequests).toBe(before);
    await expect(session.complete(callback)).rejects.toThrow(message);
  }

  it("a wrong state, which leaves the login waiting for its own callback", async () => {
    const session = td();
    const { url } = await session.authorize();
    const real = await approvedRedirect(url);
    await refused(session, real.replace(/state=[^&]+/, "state=forged"), /state does not match/);
    expect(session.state).toBe("authorizing");
    await session.complete(real);
    expect(session.state).toBe("authenticated");
  });

  it("a missing state, which leaves the login waiting too", async () => {
    const session = td();
    const { url } = await session.authorize();
    const redirect = (await approvedRedirect(url)).replace(/&?state=[^&]+/, "");
    await refused(session, redirect, /no state parameter/);
    expect(session.state).toBe("authorizing");
  });

  it("an error= callback", async () => {
    const session = td();
    const { state } = await session.authorize();
    await refused(
      session,
      `http://127.0.0.1:8080/callback?error=access_denied&state=${state}`,
      /refused the login: access_denied|No login/,
    );
  });

  it("no pending authorization", async () => {
    await refused(td(), "http://127.0.0.1:8080/callback?code=abc&state=xyz", /No login is pending/);
  });

  it("a replayed callback after a successful login", async () => {
    const session = td();
    const redirect = await emulatorLogin(session);
    await refused(session, redirect, /No login is pending/);
    expect((await session.status()).state).toBe("authenticated");
  });

  it("a login older than the timeout", async () => {
    const session = td({ authorizationTimeoutMs: 60_000 });
    const { url } = await session.authorize();
    const redirect = await approvedRedirect(url);
    clock.now += 61_000;
    await refused(session, redirect, /timed out|No login is pending/);
  });
});

describe("refresh", () => {
  it("1,000 concurrent accessToken() calls on an expired token make exactly one token request", async () => {
    const session = td();
    await emulatorLogin(session);
    const before = t.emu.emulator.stats().tokenRequests;
    clock.now += 31 * MIN;
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => session.accessToken()));
    expect(t.emu.emulator.stats().tokenRequests - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it("a fresh token costs no request and no store read", async () => {
    let loads = 0;
    const store = new MemoryStore();
    const counting = { load: () => (loads++, store.load()), save: (t: StoredTokens) => store.save(t), clear: () => store.clear() };
    const session = td({ store: counting });
    await emulatorLogin(session);
    await session.accessToken();
    const [l, r] = [loads, t.emu.emulator.stats().tokenRequests];
    for (let i = 0; i < 100; i++) await session.accessToken();
    expect([loads, t.emu.emulator.stats().tokenRequests]).toEqual([l, r]);
  });

  it("refreshes 5 minutes ahead by default, in the background while the token has time", async () => {
    const session = td();
    await emulatorLogin(session);
    const first = await session.accessToken();
    clock.now += 24 * MIN;
    expect(await session.accessToken()).toBe(first);
    const before = t.emu.emulator.stats().refreshGrants;
    clock.now += 2 * MIN;
    // Due: the caller gets the token in hand at once, and the refresh it started runs meanwhile.
    expect(await session.accessToken()).toBe(first);
    await session.refresh();
    expect(t.emu.emulator.stats().refreshGrants).toBe(before + 1);
    expect(await session.accessToken()).not.toBe(first);
  });

  it("a refresh response without refresh_token keeps the old one (TD without access_type)", async () => {
    const store = new MemoryStore();
    const session = td({ store });
    await emulatorLogin(session);
    const before = (await store.load())!;
    await session.refresh({ force: true });
    const after = (await store.load())!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).toBe(before.refreshToken);
    expect(after.refreshExpiresAt).toBe(before.refreshExpiresAt);
  });

  it("a rotated refresh token replaces the old one", async () => {
    t.emu.emulator.reset();
    await fetch(`${t.emu.url}/__emulator/config`, {
      method: "POST",
      body: JSON.stringify({ rotateRefreshTokens: true }),
      headers: { "content-type": "application/json" },
    });
    try {
      const store = new MemoryStore();
      const session = sw({ store });
      await emulatorLogin(session);
      const before = (await store.load())!;
      await session.refresh({ force: true });
      await session.refresh({ force: true });
      const after = (await store.load())!;
      expect(after.refreshToken).not.toBe(before.refreshToken);
      expect(t.emu.emulator.stats().reuseDetections).toBe(0);
      expect(after.refreshExpiresAt).toBe(before.refreshExpiresAt);
    } finally {
      await fetch(`${t.emu.url}/__emulator/config`, {
        method: "POST",
        body: JSON.stringify({ rotateRefreshTokens: false }),
        headers: { "content-type": "application/json" },
      });
    }
  });

  it("TD renews the refresh token (access_type=offline) within 5 days of its end", async () => {
    const store = new MemoryStore();
    const session = td({ store });
    await emulatorLogin(session);
    const before = (await store.load())!;
    clock.now += 86 * DAY;
    await session.accessToken();
    const after = (await store.load())!;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.refreshExpiresAt).toBe(clock.now + 90 * DAY);
  });

  it("retries a 503 from the token endpoint and then succeeds", async () => {
    const session = td();
    await emulatorLogin(session);
    t.emu.emulator.injectFault({ target: "token", kind: "status", status: 503, count: 2 });
    await session.refresh({ force: true });
    expect((await session.status()).state).toBe("authenticated");
  });

  it("an HTML Access Denied token response leaves the stored tokens untouched", async () => {
    const store = new MemoryStore();
    const session = sw({ store });
    await emulatorLogin(session);
    const before = JSON.stringify(await store.load());
    t.emu.emulator.injectFault({ target: "token", kind: "html", count: 1 });
    const error = await session.refresh({ force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenResponseError);
    expect((error as Error).message).toMatch(/Access Denied.*unchanged/);
    expect(JSON.stringify(await store.load())).toBe(before);
    expect((await session.status()).state).toBe("authenticated");
  });
});

describe("expiry", () => {
  it("TD's stated 90 days expire the session without a request, and say why", async () => {
    const session = td();
    await emulatorLogin(session);
    clock.now += 90 * DAY + MIN;
    const before = t.emu.emulator.stats().tokenRequests;
    await expect(session.accessToken()).rejects.toThrow(TknExpError);
    await expect(session.accessToken()).rejects.toThrow(/refresh token expired at .*Log in again/);
    expect(t.emu.emulator.stats().tokenRequests).toBe(before);
    expect(await session.status()).toMatchObject({ state: "expired", reason: expect.stringMatching(/refresh token expired/) });
  });

  it("a refresh token the server rejects (Schwab's refresh_token_authentication_error) → expired, tokens kept for status", async () => {
    const store = new MemoryStore();
    const session = sw({ store });
    await emulatorLogin(session);
    const stored = (await store.load())!;
    await store.save({ ...stored, refreshToken: "I0.not-a-real-refresh-token@", accessExpiresAt: clock.now - 1 });
    // Another process's session reads the store (this one's cached token is still fresh).
    const other = sw({ store });
    const error = await other.accessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TknExpError);
    expect((await session.status()).state).toBe("expired");
    expect(session.state).toBe("expired");
    expect((await store.load())?.expired?.reason).toMatch(/rejected the refresh token \(unsupported_token_type\)/);
    // Expired is final until a new login: no more requests.
    const before = t.emu.emulator.stats().tokenRequests;
    await expect(session.accessToken()).rejects.toThrow(TknExpError);
    expect(t.emu.emulator.stats().tokenRequests).toBe(before);
    // A new login replaces the expired record.
    await emulatorLogin(session);
    expect((await session.status()).state).toBe("authenticated");
  });

  it("the clock passing the refresh token's death is an expired transition that subscribers hear", async () => {
    const session = td();
    await emulatorLogin(session);
    const seen: string[] = [];
    session.subscribe((e) => void (e.type === "state" && seen.push(`${e.previous}→${e.state}`)));
    clock.now += 90 * DAY + MIN;
    // The state is what the session last read: the next read finds the death and says so once.
    expect(session.state).toBe("authenticated");
    expect((await session.status()).state).toBe("expired");
    await session.status();
    expect(seen).toEqual(["authenticated→expired"]);
    expect(session.state).toBe("expired");
  });

  it("a rejected refresh token is an expired transition that subscribers hear", async () => {
    const store = new MemoryStore();
    const session = sw({ store });
    await emulatorLogin(session);
    const seen: string[] = [];
    session.subscribe((e) => void (e.type === "state" && seen.push(`${e.previous}→${e.state}`)));
    await store.save({ ...(await store.load())!, refreshToken: "I0.not-a-real-refresh-token@", accessExpiresAt: clock.now - 1 });
    await expect(session.refresh({ force: true })).rejects.toThrow(TknExpError);
    expect(seen).toEqual(["authenticated→expired"]);
  });

  it("logout clears the store; then accessToken() asks for a login", async () => {
    const store = new MemoryStore();
    const session = td({ store });
    await emulatorLogin(session);
    await session.logout();
    expect(await store.load()).toBeNull();
    expect(session.state).toBe("unauthenticated");
    await expect(session.accessToken()).rejects.toThrow(/Not logged in/);
  });
});

describe("fetch", () => {
  it("sends the bearer token and resolves paths against the API base", async () => {
    const session = sw();
    await emulatorLogin(session);
    const response = await session.fetch("/marketdata/v1/quotes?symbols=AAPL");
    expect(response.status).toBe(200);
    expect(Object.keys(await response.json())).toEqual(["AAPL"]);
  });

  it("on a 401 takes the newer token another session saved, without refreshing", async () => {
    const store = new MemoryStore();
    const a = td({ store });
    const b = td({ store, lock: undefined });
    await emulatorLogin(a);
    await a.accessToken();
    await b.refresh({ force: true }); // the emulator now rejects a's cached access token
    const refreshes = t.emu.emulator.stats().refreshGrants;
    const response = await a.fetch("/accounts");
    expect(response.status).toBe(200);
    expect(t.emu.emulator.stats().refreshGrants).toBe(refreshes);
  });

  it("on a 401 with no newer token forces one refresh and retries", async () => {
    const session = td();
    await emulatorLogin(session);
    t.emu.emulator.injectFault({ target: "api", kind: "status", status: 401, count: 1 });
    const refreshes = t.emu.emulator.stats().refreshGrants;
    expect((await session.fetch("/accounts")).status).toBe(200);
    expect(t.emu.emulator.stats().refreshGrants).toBe(refreshes + 1);
  });

  it("a second 401 throws APIAuthError", async () => {
    const session = td();
    await emulatorLogin(session);
    t.emu.emulator.injectFault({ target: "api", kind: "status", status: 401, count: 2 });
    await expect(session.fetch("/accounts")).rejects.toThrow(APIAuthError);
  });

  it("retries a request with a body", async () => {
    const session = td();
    await emulatorLogin(session);
    t.emu.emulator.injectFault({ target: "api", kind: "status", status: 401, count: 1 });
    const response = await session.fetch("/accounts", { method: "GET", headers: { "x-test": "1" } });
    expect(response.status).toBe(200);
  });
});

describe("the session owns its store", () => {
  it("has no store or lock for callers to reach through", () => {
    const session = td();
    expect("store" in session).toBe(false);
    expect("lock" in session).toBe(false);
  });

  it("tokens() reads the store now, and takes in what another process saved", async () => {
    const store = new MemoryStore();
    const a = td({ store });
    const b = td({ store });
    expect(await a.tokens()).toBeNull();
    await emulatorLogin(b);
    const seen: string[] = [];
    a.subscribe((e) => void seen.push(e.type === "state" ? `${e.previous}→${e.state}` : e.type));
    expect((await a.tokens())?.accessToken).toBe((await store.load())?.accessToken);
    expect(a.state).toBe("authenticated");
    expect(seen).toEqual(["unauthenticated→authenticated", "tokens"]);
  });

  it("saveTokens() stores tokens got elsewhere under the lock, and the state follows", async () => {
    const store = new MemoryStore();
    const session = td({ store });
    const tokens: StoredTokens = { accessToken: "at", tokenType: "Bearer", accessExpiresAt: clock.now + 30 * MIN, authorizedAt: clock.now };
    await session.saveTokens(tokens);
    expect(await store.load()).toEqual(tokens);
    expect(session.state).toBe("authenticated");
    expect(await session.accessToken()).toBe("at");
  });

  it("storePath is the file of a file store, and nothing for others", () => {
    expect(td().storePath).toBeUndefined();
    const file = {
      path: "/srv/app/td_state.json",
      load: () => Promise.resolve(null),
      save: () => Promise.resolve(),
      clear: () => Promise.resolve(),
    };
    expect(td({ store: file }).storePath).toBe("/srv/app/td_state.json");
  });
});

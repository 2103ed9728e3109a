// The 401 flood guard: an app without an API product gets 401 "Client not authorized" with any
// token. One forced refresh proves the token is not the problem; from then on, 401s with that
// token are APIAuthError with no token request, until the token changes.
import { describe, expect, it } from "vitest";
import { DEFAULT_SCHWAB_APP } from "../../emulator/mod.ts";
import { APIAuthError, TknExpError } from "../../core/errors.ts";
import { schwab } from "../../core/providers/schwab.ts";
import { AuthSession } from "../../core/session.ts";
import { clockedEmulator } from "../helpers/emulator.ts";
import { emulatorLogin } from "../helpers/login.ts";

const t = clockedEmulator();
const { clock } = t;
const TRADER_ONLY = { ...DEFAULT_SCHWAB_APP, clientId: "TdauthEmulatorTraderOnlyAppKey01", products: ["accountsAndTrading" as const] };

async function traderOnly(): Promise<AuthSession> {
  t.emu.emulator.registerApp(TRADER_ONLY);
  const session = new AuthSession({
    provider: schwab({
      clientId: TRADER_ONLY.clientId,
      clientSecret: TRADER_ONLY.clientSecret!,
      redirectURI: TRADER_ONLY.redirectURIs[0]!,
      baseURL: t.emu.url,
    }),
    now: () => clock.now,
  });
  await emulatorLogin(session);
  return session;
}

const tokenRequests = () => t.emu.emulator.stats().tokenRequests;

describe("an API the app lacks", () => {
  it("is APIAuthError with the server's detail after one forced refresh, then without any token request", async () => {
    const session = await traderOnly();
    const before = tokenRequests();
    const error = await session.fetch("/marketdata/v1/quotes?symbols=AAPL").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIAuthError);
    expect(error).not.toBeInstanceOf(TknExpError);
    expect(error).toMatchObject({ code: "API_UNAUTHORIZED", status: 401 });
    expect((error as Error).message).toMatch(/GET \/marketdata\/v1\/quotes with 401 \("Client not authorized"\).*API product/);
    expect(tokenRequests() - before).toBe(1);
    for (let i = 0; i < 20; i++) await expect(session.fetch("/marketdata/v1/quotes?symbols=MSFT")).rejects.toThrow(APIAuthError);
    expect(tokenRequests() - before).toBe(1);
    // The session is fine: the APIs the app has keep working, and it is still authenticated.
    expect((await session.fetch("/trader/v1/accounts/accountNumbers")).status).toBe(200);
    expect((await session.status()).state).toBe("authenticated");
  });

  it("200 concurrent calls make at most one token request", async () => {
    const session = await traderOnly();
    const before = tokenRequests();
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => session.fetch("/marketdata/v1/quotes?symbols=AAPL")));
    expect(results.every((r) => r.status === "rejected" && r.reason instanceof APIAuthError)).toBe(true);
    expect(tokenRequests() - before).toBeLessThanOrEqual(1);
  });

  it("gets one forced refresh again once the token has changed", async () => {
    const session = await traderOnly();
    await expect(session.fetch("/marketdata/v1/quotes?symbols=AAPL")).rejects.toThrow(APIAuthError);
    clock.now += 31 * 60_000; // a new token by the ordinary refresh
    await session.accessToken();
    const before = tokenRequests();
    await expect(session.fetch("/marketdata/v1/quotes?symbols=AAPL")).rejects.toThrow(APIAuthError);
    expect(tokenRequests() - before).toBe(1);
  });
});

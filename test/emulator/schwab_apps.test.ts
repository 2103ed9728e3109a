// A Schwab app as the developer portal holds it: the API products it lists, and the "Approved - Pending" status
// whose logins end on an error page. Both are set by registering the app again over the admin endpoint.

import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SCHWAB_APP, DEFAULT_TD_APP } from "../../emulator/mod.ts";
import type { EmulatorApp, RunningEmulator } from "../../emulator/mod.ts";
import { bearer, postJSON, SCHWAB_CLIENT_NOT_AUTHORIZED, schwabAuthorizePath, schwabLogin, serveEmulator } from "./_flow.ts";
import type { Call } from "./_flow.ts";

let running: RunningEmulator;
let call: Call;

async function register(app: EmulatorApp | Record<string, unknown>): Promise<Response> {
  return await call("/__emulator/apps", postJSON(app));
}

const ORDER = {
  orderType: "MARKET",
  session: "NORMAL",
  duration: "DAY",
  orderStrategyType: "SINGLE",
  orderLegCollection: [{ instruction: "BUY", quantity: 1, instrument: { symbol: "AAPL", assetType: "EQUITY" } }],
};

serveEmulator({ autoApprove: true }, (served, callServed) => ([running, call] = [served, callServed]));
beforeEach(async () => {
  await call("/__emulator/config", postJSON({ schwabPendingAppPage: "whitelabel" }));
  expect((await register(DEFAULT_SCHWAB_APP)).status).toBe(201);
});

describe("API products per app", () => {
  it("answers 401 Client not authorized to a valid token for a product the app lacks, and serves it once added", async () => {
    // Registered without products, the app has both.
    const tokens = await schwabLogin(call);
    expect((await call("/marketdata/v1/quotes?symbols=AAPL", bearer(tokens.access_token))).status).toBe(200);
    const hash = ((await (await call("/trader/v1/accounts/accountNumbers", bearer(tokens.access_token))).json()) as Array<
      { hashValue: string }
    >)[0]!.hashValue;

    expect((await register({ ...DEFAULT_SCHWAB_APP, products: ["marketData"] })).status).toBe(201);
    expect((await call("/marketdata/v1/quotes?symbols=AAPL", bearer(tokens.access_token))).status).toBe(200);
    const refused = [
      await call("/trader/v1/accounts", bearer(tokens.access_token)),
      await call("/trader/v1/accounts/accountNumbers", bearer(tokens.access_token)),
      await call(`/trader/v1/accounts/${hash}`, bearer(tokens.access_token)),
      await call(`/trader/v1/accounts/${hash}/orders`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.access_token}`, "content-type": "application/json" },
        body: JSON.stringify(ORDER),
      }),
    ];
    for (const res of refused) {
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/json;charset=UTF-8");
      expect(await res.text()).toMatch(SCHWAB_CLIENT_NOT_AUTHORIZED);
    }
    expect(running.emulator.stats().rejected).toEqual({ unauthorized_client: 4 });

    expect((await register({ ...DEFAULT_SCHWAB_APP, products: ["accountsAndTrading"] })).status).toBe(201);
    const quotes = await call("/marketdata/v1/AAPL/quotes", bearer(tokens.access_token));
    expect(quotes.status).toBe(401);
    expect(await quotes.text()).toMatch(SCHWAB_CLIENT_NOT_AUTHORIZED);
    // The same token, untouched by the refusals, works again once the app lists the product.
    expect((await call("/trader/v1/accounts", bearer(tokens.access_token))).status).toBe(200);
    expect((await register(DEFAULT_SCHWAB_APP)).status).toBe(201);
    expect((await call("/marketdata/v1/quotes?symbols=AAPL", bearer(tokens.access_token))).status).toBe(200);
  });

  it("refuses products or an approval on a TD app, unknown products or statuses, and repeated products", async () => {
    const bad = [
      { ...DEFAULT_TD_APP, products: ["marketData"] },
      { ...DEFAULT_SCHWAB_APP, products: ["trading"] },
      { ...DEFAULT_SCHWAB_APP, products: ["marketData", "marketData"] },
      { ...DEFAULT_SCHWAB_APP, approval: "approved" },
    ];
    for (const app of bad) {
      const res = await register(app);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe("bad_request");
    }
  });
});

describe("apps still Approved - Pending (approval, schwabPendingAppPage)", () => {
  it("shows Spring's Whitelabel page with status 500 instead of the login, and issues no code", async () => {
    expect((await register({ ...DEFAULT_SCHWAB_APP, approval: "pending" })).status).toBe(201);
    const res = await call(schwabAuthorizePath());
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("text/html;charset=UTF-8");
    expect(res.headers.get("location")).toBeNull();
    expect(await res.text()).toMatch(
      /^<html><body><h1>Whitelabel Error Page<\/h1><p>This application has no configured error view, so you are seeing this as a fallback\.<\/p><div id='created'>(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d:\d\d UTC \d{4}<\/div><div>\[[0-9a-f]{8}-\d{1,5}\] There was an unexpected error \(type=Internal Server Error, status=500\)\.<\/div><\/body><\/html>$/,
    );
    expect(running.emulator.stats().authorizationCodeGrants).toBe(0);
  });

  it("shows the 'unable to complete your request' page when switched to it, and logs in again once ready", async () => {
    expect((await register({ ...DEFAULT_SCHWAB_APP, approval: "pending" })).status).toBe(201);
    expect((await call("/__emulator/config", postJSON({ schwabPendingAppPage: "unable-to-complete" }))).status).toBe(200);
    const res = await call(schwabAuthorizePath());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    expect(html).toContain(
      "<main>\n<p>We are unable to complete your request. Please contact customer service for further assistance.</p>\n</main>",
    );
    expect(html).not.toContain("<form");

    expect((await register({ ...DEFAULT_SCHWAB_APP, approval: "ready" })).status).toBe(201);
    expect((await call(schwabAuthorizePath())).status).toBe(302);
  });
});

// The order endpoint and the per-minute limits: orders count against the order limit (120 by default), Schwab GETs
// are not throttled unless the GET throttle is switched on. A served emulator on a manual clock gives exact Retry-Afters.

import { beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/mod.ts";
import { bearer, manualClock, postJSON, SCHWAB_CLIENT_NOT_AUTHORIZED, schwabLogin, serveEmulator } from "./_flow.ts";
import type { Call } from "./_flow.ts";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
const ORDER = {
  orderType: "LIMIT",
  session: "NORMAL",
  duration: "DAY",
  price: "101.25",
  orderStrategyType: "SINGLE",
  orderLegCollection: [{ instruction: "BUY", quantity: 15, instrument: { symbol: "AAPL", assetType: "EQUITY" } }],
};

const clock = manualClock();
let running: RunningEmulator;
let call: Call;
let access: string;
let hash: string;

function placeOrder(body: unknown = ORDER, headers: Record<string, string> = {}): Promise<Response> {
  return call(`/trader/v1/accounts/${hash}/orders`, {
    method: "POST",
    headers: { authorization: `Bearer ${access}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function badRequest(detail: string): RegExp {
  return new RegExp(
    `^\\{"errors":\\[\\{"id":"${UUID}","status":"400","title":"Bad Request","detail":${
      JSON.stringify(detail).replace(/[[\]().*+?]/g, "\\$&")
    }\\}\\]\\}$`,
  );
}

serveEmulator({ autoApprove: true, now: clock.now }, (served, callServed) => ([running, call] = [served, callServed]));
beforeEach(async () => {
  await call("/__emulator/config", postJSON({ orderRateLimitPerMinute: 120, getRateLimitPerMinute: { td: 120, schwab: null } }));
  access = (await schwabLogin(call)).access_token as string;
  hash = ((await (await call("/trader/v1/accounts/accountNumbers", bearer(access))).json()) as Array<{ hashValue: string }>)[0]!.hashValue;
});

describe("order endpoint", () => {
  it("answers 201 with an empty body and the order's URL on the emulator's own origin, which reads it back", async () => {
    const res = await placeOrder();
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`${running.url}/trader/v1/accounts/${hash}/orders/1000000001`);
    expect(res.headers.get("content-length")).toBe("0");
    expect(await res.text()).toBe("");
    const second = await placeOrder({ ...ORDER, orderType: "MARKET", price: undefined });
    expect(second.headers.get("location")).toMatch(/\/orders\/1000000002$/);

    const order = await call(new URL(res.headers.get("location")!).pathname, bearer(access));
    expect(order.status).toBe(200);
    expect(await order.json()).toMatchObject({
      ...ORDER,
      orderId: 1000000001,
      status: "WORKING",
      enteredTime: new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, "+0000"),
    });
    expect(running.emulator.stats().ordersPlaced).toBe(2);
  });

  it("checks the bearer, the account, the content type and the order itself", async () => {
    const noToken = await call(`/trader/v1/accounts/${hash}/orders`, postJSON(ORDER));
    expect(noToken.status).toBe(401);
    expect(await noToken.text()).toMatch(SCHWAB_CLIENT_NOT_AUTHORIZED);

    const elsewhere = await call(`/trader/v1/accounts/${"0".repeat(64)}/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${access}`, "content-type": "application/json" },
      body: JSON.stringify(ORDER),
    });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.text()).toMatch(new RegExp(`^\\{"errors":\\[\\{"id":"${UUID}","status":"404","title":"Not Found"\\}\\]\\}$`));

    const cases: Array<[unknown, Record<string, string>, string]> = [
      [ORDER, { "content-type": "text/plain" }, "the body must be a JSON order with Content-Type: application/json"],
      ["{not json", {}, "the body must be a JSON order with Content-Type: application/json"],
      [[ORDER], {}, "the body must be a JSON object"],
      [{ ...ORDER, price: undefined }, {}, "price is required for LIMIT orders"],
      [{ ...ORDER, session: "NIGHT" }, {}, "session must be one of NORMAL, AM, PM, SEAMLESS"],
      [{ ...ORDER, orderLegCollection: [] }, {}, "orderLegCollection must be a non-empty array"],
      [
        { ...ORDER, orderLegCollection: [{ ...ORDER.orderLegCollection[0], quantity: 0 }] },
        {},
        "orderLegCollection[0].quantity must be a positive number",
      ],
      [
        { orderStrategyType: "OCO", childOrderStrategies: [{ ...ORDER, duration: "FOREVER" }] },
        {},
        "childOrderStrategies[0].duration must be one of DAY, GOOD_TILL_CANCEL, FILL_OR_KILL, IMMEDIATE_OR_CANCEL, END_OF_WEEK, END_OF_MONTH, NEXT_END_OF_MONTH",
      ],
    ];
    for (const [body, headers, detail] of cases) {
      const res = await placeOrder(body, headers);
      expect(res.status, detail).toBe(400);
      expect(await res.text()).toMatch(badRequest(detail));
    }
    expect((await placeOrder({ orderStrategyType: "OCO", childOrderStrategies: [ORDER, { ...ORDER, orderType: "STOP" }] })).status).toBe(
      201,
    );
    expect(running.emulator.stats().ordersPlaced).toBe(1);
  });
});

describe("per-minute limits", () => {
  it("answers the 121st order in a rolling minute with 429 and Retry-After, while GETs go on unthrottled", async () => {
    for (let i = 0; i < 120; i++) {
      expect((await placeOrder()).status).toBe(201);
      if (i === 0) clock.advance(30_000);
    }
    const limited = await placeOrder();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("30");
    expect(await limited.text()).toMatch(
      new RegExp(
        `^\\{"errors":\\[\\{"id":"${UUID}","status":"429","title":"Too Many Requests","detail":"Rate limit exceeded: 120 requests per minute"\\}\\]\\}$`,
      ),
    );
    for (let i = 0; i < 200; i++) expect((await call("/marketdata/v1/quotes?symbols=AAPL", bearer(access))).status).toBe(200);
    // Once the first order is a minute old, its slot frees up, and only its.
    clock.advance(30_000);
    expect((await placeOrder()).status).toBe(201);
    expect((await placeOrder()).status).toBe(429);
    expect(running.emulator.stats()).toMatchObject({ ordersPlaced: 121, rateLimited: 2 });
  });

  it("throttles Schwab GETs only when the GET throttle is switched on, apart from orders; null turns a limit off", async () => {
    expect((await call("/__emulator/config", postJSON({ getRateLimitPerMinute: { schwab: 2 }, orderRateLimitPerMinute: 1 }))).status).toBe(
      200,
    );
    expect((await call("/trader/v1/accounts", bearer(access))).status).toBe(200);
    expect((await call("/marketdata/v1/quotes?symbols=AAPL", bearer(access))).status).toBe(200);
    const limited = await call("/trader/v1/accounts", bearer(access));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(await limited.text()).toMatch(/"detail":"Rate limit exceeded: 2 requests per minute"/);
    expect((await placeOrder()).status).toBe(201);
    expect((await placeOrder()).status).toBe(429);

    expect((await call("/__emulator/config", postJSON({ getRateLimitPerMinute: { schwab: null }, orderRateLimitPerMinute: null }))).status)
      .toBe(200);
    expect((await call("/trader/v1/accounts", bearer(access))).status).toBe(200);
    expect((await placeOrder()).status).toBe(201);
    const config = (await (await call("/__emulator/config")).json()) as Record<string, unknown>;
    expect(config).toMatchObject({ getRateLimitPerMinute: { td: 120, schwab: null }, orderRateLimitPerMinute: null });
  });

  it("refuses a limit that is not a positive integer or null", async () => {
    for (
      const patch of [{ orderRateLimitPerMinute: 0 }, { getRateLimitPerMinute: { schwab: 1.5 } }, { getRateLimitPerMinute: { fix: 3 } }]
    ) {
      const res = await call("/__emulator/config", postJSON(patch));
      expect(res.status).toBe(400);
    }
  });
});

// Schwab's order endpoint, POST /trader/v1/accounts/{accountHash}/orders: the one request the per-minute order
// limit counts. It answers 201 with an empty body and the new order's URL in Location, as schwab-py reads it.

import type { Context, Hono } from "hono";
import { admit } from "./_api_guard.ts";
import type { Admission } from "./_api_guard.ts";
import { apiBadRequest, jsonText, schwabNotFound } from "./_bodies.ts";
import type { EmulatorContext } from "./_context.ts";
import { accountByHash } from "./_market_data.ts";

const ORDER: Admission = { product: "accountsAndTrading", order: true };
const READ: Admission = { product: "accountsAndTrading" };
const FIRST_ORDER_ID = 1_000_000_001;

// The values of Schwab's order schema as schwab-py lists them (schwab/orders/common.py).
const ENUMS: Record<string, string[]> = {
  orderType: [
    "MARKET",
    "LIMIT",
    "STOP",
    "STOP_LIMIT",
    "TRAILING_STOP",
    "CABINET",
    "NON_MARKETABLE",
    "MARKET_ON_CLOSE",
    "EXERCISE",
    "TRAILING_STOP_LIMIT",
    "NET_DEBIT",
    "NET_CREDIT",
    "NET_ZERO",
    "LIMIT_ON_CLOSE",
  ],
  session: ["NORMAL", "AM", "PM", "SEAMLESS"],
  duration: ["DAY", "GOOD_TILL_CANCEL", "FILL_OR_KILL", "IMMEDIATE_OR_CANCEL", "END_OF_WEEK", "END_OF_MONTH", "NEXT_END_OF_MONTH"],
};
const STRATEGIES = ["SINGLE", "CANCEL", "RECALL", "PAIR", "FLATTEN", "TWO_DAY_SWAP", "BLAST_ALL", "OCO", "TRIGGER"];
const INSTRUCTIONS = ["BUY", "SELL", "SELL_SHORT", "BUY_TO_COVER", "BUY_TO_OPEN", "SELL_TO_CLOSE", "SELL_TO_OPEN", "BUY_TO_CLOSE"];
const PRICED = ["LIMIT", "STOP_LIMIT", "TRAILING_STOP_LIMIT", "LIMIT_ON_CLOSE", "NET_DEBIT", "NET_CREDIT"];
const MAX_DEPTH = 4;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isPrice = (v: unknown): boolean =>
  (typeof v === "number" && v > 0 && Number.isFinite(v)) || (typeof v === "string" && /^\d+(\.\d+)?$/.test(v) && Number(v) > 0);

function legProblem(leg: unknown, at: string): string | undefined {
  if (!isRecord(leg)) return `${at} must be an object`;
  if (!INSTRUCTIONS.includes(leg.instruction as string)) return `${at}.instruction must be one of ${INSTRUCTIONS.join(", ")}`;
  if (typeof leg.quantity !== "number" || !(leg.quantity > 0) || !Number.isFinite(leg.quantity)) {
    return `${at}.quantity must be a positive number`;
  }
  const instrument = leg.instrument;
  if (
    !isRecord(instrument) || typeof instrument.symbol !== "string" || instrument.symbol === "" || typeof instrument.assetType !== "string"
  ) {
    return `${at}.instrument needs a symbol and an assetType`;
  }
  return undefined;
}

/**
 * What is wrong with an order body, or undefined when it is well formed: a single order (type, session, duration,
 * legs, a price where the type needs one), or an OCO / TRIGGER whose child orders are.
 *
 * @example
 * orderProblem({ orderStrategyType: "SINGLE", orderType: "MARKET" }); // "session must be one of NORMAL, AM, PM, SEAMLESS"
 */
export function orderProblem(order: unknown, at = "", depth = 0): string | undefined {
  if (!isRecord(order)) return `${at || "the body"} must be a JSON object`;
  if (depth > MAX_DEPTH) return `${at} nests child orders too deep`;
  if (!STRATEGIES.includes(order.orderStrategyType as string)) return `${at}orderStrategyType must be one of ${STRATEGIES.join(", ")}`;
  const children = order.childOrderStrategies;
  if (children !== undefined || order.orderStrategyType === "OCO") {
    if (!Array.isArray(children) || children.length === 0) return `${at}childOrderStrategies must be a non-empty array`;
    for (const [i, child] of children.entries()) {
      const problem = orderProblem(child, `${at}childOrderStrategies[${i}].`, depth + 1);
      if (problem !== undefined) return problem;
    }
    if (order.orderStrategyType === "OCO") return undefined;
  }
  for (const [field, allowed] of Object.entries(ENUMS)) {
    if (!allowed.includes(order[field] as string)) return `${at}${field} must be one of ${allowed.join(", ")}`;
  }
  if (PRICED.includes(order.orderType as string) && !isPrice(order.price)) return `${at}price is required for ${order.orderType} orders`;
  const legs = order.orderLegCollection;
  if (!Array.isArray(legs) || legs.length === 0) return `${at}orderLegCollection must be a non-empty array`;
  for (const [i, leg] of legs.entries()) {
    const problem = legProblem(leg, `${at}orderLegCollection[${i}]`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

async function readOrder(c: Context): Promise<unknown> {
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("application/json")) return undefined;
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}

// Schwab's order time format: ISO 8601 in UTC with a "+0000" offset.
const enteredTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+0000");

/**
 * Mounts `POST /trader/v1/accounts/:accountHash/orders` and `GET .../orders/:orderId` (what its Location names).
 *
 * @example
 * mountSchwabOrders(app, ctx);
 */
export function mountSchwabOrders(app: Hono, ctx: EmulatorContext): void {
  app.post("/trader/v1/accounts/:accountHash/orders", async (c) => {
    const admitted = admit(ctx, c, "schwab", ORDER);
    if (admitted instanceof Response) return admitted;
    const clientId = admitted.grant!.clientId;
    const hash = c.req.param("accountHash");
    const accountNumber = await accountByHash(clientId, hash);
    if (accountNumber === undefined) return schwabNotFound();
    const order = await readOrder(c);
    if (order === undefined) return apiBadRequest("schwab", "the body must be a JSON order with Content-Type: application/json");
    const problem = orderProblem(order);
    if (problem !== undefined) return apiBadRequest("schwab", problem);
    const orderId = FIRST_ORDER_ID + ctx.stats.ordersPlaced++;
    ctx.orders.set(orderId, { orderId, accountNumber, clientId, enteredTime: ctx.now(), body: order as Record<string, unknown> });
    const location = `${new URL(c.req.url).origin}/trader/v1/accounts/${hash}/orders/${orderId}`;
    return new Response("", { status: 201, headers: { location, "cache-control": "no-store" } });
  });

  app.get("/trader/v1/accounts/:accountHash/orders/:orderId", async (c) => {
    const admitted = admit(ctx, c, "schwab", READ);
    if (admitted instanceof Response) return admitted;
    const order = ctx.orders.get(Number(c.req.param("orderId")));
    const accountNumber = await accountByHash(admitted.grant!.clientId, c.req.param("accountHash"));
    if (!order || order.clientId !== admitted.grant!.clientId || order.accountNumber !== accountNumber) return schwabNotFound();
    return jsonText(
      200,
      JSON.stringify({
        ...order.body,
        orderId: order.orderId,
        accountNumber: Number(order.accountNumber),
        status: "WORKING",
        enteredTime: enteredTime(order.enteredTime),
        cancelable: true,
        editable: true,
      }),
    );
  });
}

// Schwab's market data and trader endpoints (api.schwabapi.com/marketdata/v1, /trader/v1); every call needs a bearer token.

import type { Context, Hono } from "hono";
import { apiBadRequest, jsonText, schwabNotFound } from "./_bodies.ts";
import type { EmulatorContext } from "./_context.ts";
import { admit, listParam } from "./_api_guard.ts";
import { account, accountByHash, accountHash, accountNumbers, schwabQuote } from "./_market_data.ts";
import type { Admission } from "./_api_guard.ts";

const MARKET_DATA: Admission = { product: "marketData" };
const TRADER: Admission = { product: "accountsAndTrading" };
const QUOTE_FIELDS = ["quote", "fundamental", "extended", "reference", "regular", "all"];

/**
 * Mounts Schwab's quotes and accounts routes.
 *
 * @example
 * mountSchwabAPI(app, ctx);
 */
export function mountSchwabAPI(app: Hono, ctx: EmulatorContext): void {
  const quotes = (c: Context, symbols: string[] | undefined): Response => {
    const admitted = admit(ctx, c, "schwab", MARKET_DATA);
    if (admitted instanceof Response) return admitted;
    if (!symbols || symbols.length === 0) return apiBadRequest("schwab", "symbols is required");
    const fields = listParam(c.req.query("fields"), QUOTE_FIELDS);
    if (!fields) return apiBadRequest("schwab", `fields may only contain ${QUOTE_FIELDS.join(", ")}`);
    const indicative = c.req.query("indicative");
    if (indicative !== undefined && indicative !== "true" && indicative !== "false") {
      return apiBadRequest("schwab", "indicative must be true or false");
    }
    const body: Record<string, unknown> = {};
    for (const symbol of symbols) body[symbol] = schwabQuote(symbol, fields, ctx.now());
    return jsonText(200, JSON.stringify(body));
  };

  app.get("/marketdata/v1/quotes", (c) => quotes(c, listParam(c.req.query("symbols"))));
  app.get("/marketdata/v1/:symbol/quotes", (c) => quotes(c, [c.req.param("symbol")]));

  const include = (c: Context): { positions: boolean; orders: boolean } | undefined => {
    const fields = listParam(c.req.query("fields"), ["positions"]);
    return fields ? { positions: fields.includes("positions"), orders: false } : undefined;
  };

  app.get("/trader/v1/accounts", (c) => {
    const admitted = admit(ctx, c, "schwab", TRADER);
    if (admitted instanceof Response) return admitted;
    const wanted = include(c);
    if (!wanted) return apiBadRequest("schwab", "fields may only contain positions");
    const numbers = accountNumbers(admitted.grant!.clientId);
    return jsonText(200, JSON.stringify(numbers.map((n) => account("schwab", n, wanted))));
  });

  // Registered before the :accountHash route so the literal path wins.
  app.get("/trader/v1/accounts/accountNumbers", async (c) => {
    const admitted = admit(ctx, c, "schwab", TRADER);
    if (admitted instanceof Response) return admitted;
    const clientId = admitted.grant!.clientId;
    const body = await Promise.all(
      accountNumbers(clientId).map(async (n) => ({ accountNumber: n, hashValue: await accountHash(clientId, n) })),
    );
    return jsonText(200, JSON.stringify(body));
  });

  app.get("/trader/v1/accounts/:accountHash", async (c) => {
    const admitted = admit(ctx, c, "schwab", TRADER);
    if (admitted instanceof Response) return admitted;
    const wanted = include(c);
    if (!wanted) return apiBadRequest("schwab", "fields may only contain positions");
    const n = await accountByHash(admitted.grant!.clientId, c.req.param("accountHash"));
    return n === undefined ? schwabNotFound() : jsonText(200, JSON.stringify(account("schwab", n, wanted)));
  });
}

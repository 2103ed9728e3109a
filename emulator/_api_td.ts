// TD Ameritrade's market data and account endpoints (api.tdameritrade.com/v1/...).

import type { Context, Hono } from "hono";
import { apiBadRequest, jsonText, tdUnauthorized } from "./_bodies.ts";
import type { EmulatorContext } from "./_context.ts";
import { admit, listParam } from "./_api_guard.ts";
import { account, accountNumbers, tdQuote } from "./_market_data.ts";

const TD_SUFFIX = "@AMER.OAUTHAP";

/**
 * Mounts TD's quotes and accounts routes.
 *
 * @example
 * mountTDAPI(app, ctx);
 */
export function mountTDAPI(app: Hono, ctx: EmulatorContext): void {
  const quotes = (symbols: string[], delayed: boolean): Response => {
    const body: Record<string, unknown> = {};
    for (const symbol of symbols) body[symbol] = tdQuote(symbol, delayed, ctx.now());
    return jsonText(200, JSON.stringify(body));
  };

  // Quotes admit an unauthenticated call identified by `apikey`, answered with delayed data (PROTOCOL B.5).
  const admitQuotes = (c: Context): { delayed: boolean } | Response => {
    let anonymous: string | undefined;
    if (c.req.header("authorization") === undefined) {
      const apikey = c.req.query("apikey") ?? "";
      const clientId = apikey.endsWith(TD_SUFFIX) ? apikey.slice(0, -TD_SUFFIX.length) : apikey;
      if (ctx.apps.get(clientId)?.flavour !== "td") {
        ctx.reject("invalid_token");
        return tdUnauthorized();
      }
      anonymous = clientId;
    }
    const admitted = admit(ctx, c, "td", anonymous === undefined ? {} : { anonymousClient: anonymous });
    if (admitted instanceof Response) return admitted;
    return { delayed: admitted.grant === undefined };
  };

  app.get("/v1/marketdata/quotes", (c) => {
    const admitted = admitQuotes(c);
    if (admitted instanceof Response) return admitted;
    const symbols = listParam(c.req.query("symbol"));
    if (!symbols || symbols.length === 0) return apiBadRequest("td", "symbol is required");
    return quotes(symbols, admitted.delayed);
  });

  app.get("/v1/marketdata/:symbol/quotes", (c) => {
    const admitted = admitQuotes(c);
    if (admitted instanceof Response) return admitted;
    return quotes([c.req.param("symbol")], admitted.delayed);
  });

  const accounts = (c: Context, only?: string): Response => {
    const admitted = admit(ctx, c, "td");
    if (admitted instanceof Response) return admitted;
    const fields = listParam(c.req.query("fields"), ["positions", "orders"]);
    if (!fields) return apiBadRequest("td", "fields may only contain positions and orders");
    const include = { positions: fields.includes("positions"), orders: fields.includes("orders") };
    const numbers = accountNumbers(admitted.grant!.clientId);
    if (only === undefined) return jsonText(200, JSON.stringify(numbers.map((n) => account("td", n, include))));
    if (!numbers.includes(only)) return jsonText(404, JSON.stringify({ error: "Not Found" }));
    return jsonText(200, JSON.stringify(account("td", only, include)));
  };

  app.get("/v1/accounts", (c) => accounts(c));
  app.get("/v1/accounts/:accountId", (c) => accounts(c, c.req.param("accountId")));
}

// Deterministic fake quotes and accounts: the same symbol or client always gives the same numbers.

import { sha256Hex } from "./_random.ts";

// FNV-1a: a tiny stable hash, so prices depend only on the symbol and never on randomness or time.
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const cents = (n: number): number => Math.round(n * 100) / 100;

/**
 * Stable prices of a symbol: last between 5 and 505, bid a little under, ask a little over.
 *
 * @example
 * prices("AAPL").bidPrice < prices("AAPL").askPrice; // true, every time
 */
export function prices(symbol: string): { bidPrice: number; askPrice: number; lastPrice: number; totalVolume: number; closePrice: number } {
  const h = fnv(symbol.toUpperCase());
  const lastPrice = cents(5 + (h % 50_000) / 100);
  const spread = cents(0.01 * (1 + (h >>> 16) % 5));
  return {
    bidPrice: cents(lastPrice - spread),
    askPrice: cents(lastPrice + spread),
    lastPrice,
    totalVolume: 100_000 + (h % 9_900_000),
    closePrice: cents(lastPrice * (1 - ((h >>> 8) % 400 - 200) / 10_000)),
  };
}

/**
 * A TD quote object (`/v1/marketdata/quotes`), flagged `delayed` for unauthenticated requests.
 *
 * @example
 * tdQuote("MSFT", false, Date.now()).lastPrice;
 */
export function tdQuote(symbol: string, delayed: boolean, now: number): Record<string, unknown> {
  const p = prices(symbol);
  const time = delayed ? now - 15 * 60_000 : now;
  return {
    assetType: "EQUITY",
    assetMainType: "EQUITY",
    cusip: String(fnv(`cusip:${symbol}`)).padStart(9, "0").slice(0, 9),
    symbol,
    description: `${symbol} - emulated instrument`,
    bidPrice: p.bidPrice,
    bidSize: 100,
    askPrice: p.askPrice,
    askSize: 100,
    lastPrice: p.lastPrice,
    lastSize: 100,
    openPrice: p.closePrice,
    closePrice: p.closePrice,
    netChange: cents(p.lastPrice - p.closePrice),
    totalVolume: p.totalVolume,
    quoteTimeInLong: time,
    tradeTimeInLong: time,
    mark: p.lastPrice,
    exchange: "q",
    exchangeName: "NASD",
    delayed,
    realtimeEntitled: !delayed,
  };
}

/**
 * A Schwab quote entry (`/marketdata/v1/quotes`); `fields` picks the sections as Schwab does.
 *
 * @example
 * schwabQuote("AAPL", ["quote"], Date.now()).quote;
 */
export function schwabQuote(symbol: string, fields: string[], now: number): Record<string, unknown> {
  const p = prices(symbol);
  const all = fields.length === 0 || fields.includes("all");
  const entry: Record<string, unknown> = { assetMainType: "EQUITY", symbol, realtime: true, ssid: fnv(`ssid:${symbol}`) };
  if (all || fields.includes("quote")) {
    entry.quote = {
      bidPrice: p.bidPrice,
      askPrice: p.askPrice,
      lastPrice: p.lastPrice,
      closePrice: p.closePrice,
      netChange: cents(p.lastPrice - p.closePrice),
      totalVolume: p.totalVolume,
      quoteTime: now,
      tradeTime: now,
    };
  }
  if (all || fields.includes("reference")) {
    entry.reference = { description: `${symbol} - emulated instrument`, exchange: "Q", exchangeName: "NASDAQ" };
  }
  if (all || fields.includes("fundamental")) {
    entry.fundamental = { peRatio: cents(5 + (fnv(symbol) % 4000) / 100), divYield: cents((fnv(symbol) % 500) / 100) };
  }
  return entry;
}

/**
 * The client's two account numbers, derived from its client id.
 *
 * @example
 * accountNumbers("TDAUTHEMULATOR"); // ["4876...", "1290..."]
 */
export function accountNumbers(clientId: string): string[] {
  return [1, 2].map((i) => String(10_000_000 + (fnv(`${clientId}#${i}`) % 89_999_999)));
}

/**
 * Schwab's opaque account hash: 64 hex characters standing in for the raw number in URLs.
 *
 * @example
 * await accountHash("APPKEY", "12345678");
 */
export async function accountHash(clientId: string, accountNumber: string): Promise<string> {
  return (await sha256Hex(`${clientId}:${accountNumber}`)).toUpperCase();
}

/**
 * The client's account number behind a Schwab account hash, or undefined when the hash is not one of its accounts.
 *
 * @example
 * const accountNumber = await accountByHash("APPKEY", c.req.param("accountHash"));
 */
export async function accountByHash(clientId: string, hash: string): Promise<string | undefined> {
  for (const n of accountNumbers(clientId)) if ((await accountHash(clientId, n)) === hash) return n;
  return undefined;
}

function positions(accountNumber: string): Array<Record<string, unknown>> {
  return ["AAPL", "MSFT", "SPY"].map((symbol) => {
    const p = prices(symbol);
    const quantity = 1 + (fnv(`${accountNumber}:${symbol}`) % 200);
    return {
      shortQuantity: 0,
      averagePrice: p.closePrice,
      currentDayProfitLoss: cents((p.lastPrice - p.closePrice) * quantity),
      longQuantity: quantity,
      settledLongQuantity: quantity,
      settledShortQuantity: 0,
      instrument: { assetType: "EQUITY", symbol },
      marketValue: cents(p.lastPrice * quantity),
    };
  });
}

/**
 * One account in the `{ securitiesAccount: {...} }` envelope; positions/orders only when asked for.
 *
 * @example
 * account("td", "12345678", { positions: true, orders: false });
 */
export function account(
  flavour: "td" | "schwab",
  accountNumber: string,
  include: { positions: boolean; orders: boolean },
): Record<string, unknown> {
  const cash = cents(1000 + (fnv(`cash:${accountNumber}`) % 100_000));
  const balances = { cashBalance: cash, liquidationValue: cash, longMarketValue: 0, buyingPower: cash * 2 };
  const securitiesAccount: Record<string, unknown> = {
    type: "MARGIN",
    [flavour === "td" ? "accountId" : "accountNumber"]: accountNumber,
    roundTrips: 0,
    isDayTrader: false,
    isClosingOnlyRestricted: false,
  };
  if (include.positions) securitiesAccount.positions = positions(accountNumber);
  if (include.orders) securitiesAccount.orderStrategies = [];
  securitiesAccount.initialBalances = balances;
  securitiesAccount.currentBalances = balances;
  securitiesAccount.projectedBalances = balances;
  const result: Record<string, unknown> = { securitiesAccount };
  if (flavour === "schwab") result.aggregatedBalance = { currentLiquidationValue: cash, liquidationValue: cash };
  return result;
}

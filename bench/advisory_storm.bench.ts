// Two storms side by side in one run, against the emulator on 127.0.0.1:
// 1. 10,000 concurrent accessToken() inside the advisory window (4 minutes left) against the same
//    10,000 on a fresh token (the hot path): token requests per storm (goal exactly 1), caller p99
//    against the hot path's (goal within 2x), and whether any caller waited for the round trip.
// 2. 1,000 concurrent session.fetch() (200 in quick mode) to an API the app lacks (401 "Client not
//    authorized" with any token): token requests (goal at most 1), every call an APIAuthError.
// Run: node_modules/.bin/tsx bench/advisory_storm.bench.ts [--quick]
import { DEFAULT_SCHWAB_APP, startEmulator } from "../emulator/mod.ts";
import { APIAuthError } from "../core/errors.ts";
import { MemoryStore } from "../core/memory_store.ts";
import { schwab } from "../core/providers/schwab.ts";
import { AuthSession } from "../core/session.ts";
import { emulatorLogin } from "../test/helpers/login.ts";
import { fmt, median, quantile } from "./_stats.ts";

const quick = process.argv.includes("--quick");
const CALLERS = 10_000;
const REPEATS = quick ? 3 : 15;
const FETCHES = quick ? 200 : 1_000;
const emu = await startEmulator({ port: 0, autoApprove: true });
const clock = { offset: 0 };
const now = () => Date.now() + clock.offset;
const profile = (app: typeof DEFAULT_SCHWAB_APP) =>
  schwab({ clientId: app.clientId, clientSecret: app.clientSecret!, redirectURI: app.redirectURIs[0]!, baseURL: emu.url });

/** Latencies (ms) of CALLERS concurrent accessToken() calls, from the start of the storm, and the tokens they got. */
async function storm(session: AuthSession): Promise<{ latencies: number[]; tokens: string[]; ended: number }> {
  const start = performance.now();
  const calls: Promise<[number, string]>[] = [];
  for (let i = 0; i < CALLERS; i++) calls.push(session.accessToken().then((token) => [performance.now() - start, token]));
  const results = await Promise.all(calls);
  return { latencies: results.map((r) => r[0]), tokens: results.map((r) => r[1]), ended: performance.now() - start };
}

try {
  const store = new MemoryStore();
  const session = new AuthSession({ provider: profile(DEFAULT_SCHWAB_APP), store, now });
  await emulatorLogin(session);
  let refreshedAt = Infinity;
  let stormStart = 0;
  session.subscribe((e) => void (e.type === "tokens" && (refreshedAt = performance.now() - stormStart)));
  for (let i = 0; i < 3; i++) await storm(session); // warm-up

  const requests: number[] = [];
  const hotP99: number[] = [];
  const advisoryP99: number[] = [];
  const ratios: number[] = [];
  let newTokenCallers = 0;
  let lateCallers = 0;
  for (let r = 0; r < REPEATS; r++) {
    const hot = await storm(session);
    // Four minutes before the access token dies: inside refreshAheadMs (5 min), outside mustRefreshMs (1 min).
    const stored = (await store.load())!;
    clock.offset += stored.accessExpiresAt - now() - 240_000;
    const old = stored.accessToken;
    const before = emu.emulator.stats().tokenRequests;
    refreshedAt = Infinity;
    stormStart = performance.now();
    const advisory = await storm(session);
    await session.refresh(); // the one refresh the storm started, in the background
    requests.push(emu.emulator.stats().tokenRequests - before);
    newTokenCallers += advisory.tokens.filter((t) => t !== old).length;
    // A caller that waited for the round trip would resolve after the new tokens arrived.
    lateCallers += advisory.latencies.filter((ms) => ms >= refreshedAt).length;
    hotP99.push(quantile(hot.latencies, 0.99));
    advisoryP99.push(quantile(advisory.latencies, 0.99));
    ratios.push(quantile(advisory.latencies, 0.99) / quantile(hot.latencies, 0.99));
  }

  // An app with Accounts and Trading but without Market Data.
  const traderOnly = { ...DEFAULT_SCHWAB_APP, clientId: "BenchTraderOnlyAppKey00000000001", products: ["accountsAndTrading" as const] };
  emu.emulator.registerApp(traderOnly);
  const lacking = new AuthSession({ provider: profile(traderOnly), store: new MemoryStore(), now });
  await emulatorLogin(lacking);
  const before = emu.emulator.stats().tokenRequests;
  const started = performance.now();
  const settled = await Promise.allSettled(Array.from({ length: FETCHES }, () => lacking.fetch("/marketdata/v1/quotes?symbols=AAPL")));
  const fetchMs = performance.now() - started;
  const lackingRequests = emu.emulator.stats().tokenRequests - before;
  const apiAuthErrors = settled.filter((s) => s.status === "rejected" && s.reason instanceof APIAuthError).length;

  const ratio = median(ratios);
  const exactlyOne = requests.every((n) => n === 1);
  console.log(
    `### Advisory storm: ${fmt(CALLERS)} concurrent accessToken() with 4 minutes left, against ${
      fmt(CALLERS)
    } on a fresh token (${REPEATS} storms each, interleaved)

| figure | value | goal |
|---|---|---|
| token requests per advisory storm | ${requests.join(", ")} | exactly 1: ${exactlyOne ? "met" : "missed"} |
| caller latency p99, fresh token (hot path), median over storms | ${median(hotP99).toFixed(2)} ms | — |
| caller latency p99, advisory window, median over storms | ${median(advisoryP99).toFixed(2)} ms | — |
| advisory p99 / hot-path p99 (median of per-storm ratios) | ${ratio.toFixed(2)}x | ≤ 2x: ${ratio <= 2 ? "met" : "missed"} |
| callers that waited for the round trip (resolved after the new token arrived) / got the new token | ${lateCallers} / ${newTokenCallers} | 0 / 0: ${
      lateCallers === 0 && newTokenCallers === 0 ? "met" : "missed"
    } |

### An API the app lacks: ${fmt(FETCHES)} concurrent session.fetch() to Market Data from an app without that product

| figure | value | goal |
|---|---|---|
| token requests | ${lackingRequests} | ≤ 1: ${lackingRequests <= 1 ? "met" : "missed"} |
| calls that ended in APIAuthError | ${fmt(apiAuthErrors)} of ${fmt(FETCHES)} | all |
| wall time of the ${fmt(FETCHES)} calls | ${fetchMs.toFixed(0)} ms | — |

A caller in the advisory window gets the token in hand at once; the first one starts the refresh in the
background. After one forced refresh shows that a new token gets 401 too, the 401s of that token make no
more token requests.`,
  );
  console.log(
    `RESULT ${
      JSON.stringify({
        bench: "advisory_storm",
        requests,
        hotP99: median(hotP99),
        advisoryP99: median(advisoryP99),
        ratio,
        lateCallers,
        newTokenCallers,
        lackingRequests,
        apiAuthErrors,
        fetches: FETCHES,
      })
    }`,
  );
} finally {
  await emu.close();
}

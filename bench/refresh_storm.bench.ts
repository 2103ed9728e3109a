// 10,000 concurrent accessToken() calls on an expired token (expired through the
// injected clock) → token requests made (goal exactly 1), and the latency those callers see on
// top of one bare refresh round trip to the emulator, measured in the same run.
// Run: node_modules/.bin/tsx bench/refresh_storm.bench.ts [--quick]
import { DEFAULT_SCHWAB_APP, startEmulator } from "../emulator/mod.ts";
import { MemoryStore } from "../core/memory_store.ts";
import { schwab } from "../core/providers/schwab.ts";
import { AuthSession } from "../core/session.ts";
import { requestToken } from "../core/token_request.ts";
import { emulatorLogin } from "../test/helpers/login.ts";
import { fmt, median, quantile } from "./_stats.ts";

const quick = process.argv.includes("--quick");
const CALLERS = 10_000;
const REPEATS = quick ? 2 : 10;
const emu = await startEmulator({ port: 0, autoApprove: true, rateLimitPerMinute: 1_000_000 });
const clock = { offset: 0 };
const now = () => Date.now() + clock.offset;
const provider = schwab({
  clientId: DEFAULT_SCHWAB_APP.clientId,
  clientSecret: DEFAULT_SCHWAB_APP.clientSecret!,
  redirectURI: DEFAULT_SCHWAB_APP.redirectURIs[0]!,
  baseURL: emu.url,
});
try {
  const store = new MemoryStore();
  const session = new AuthSession({ provider, store, now });
  await emulatorLogin(session);

  // One bare refresh round trip, the floor the storm is compared with.
  const bare: number[] = [];
  for (let i = 0; i < (quick ? 5 : 30); i++) {
    const refreshToken = (await store.load())!.refreshToken!;
    const t = performance.now();
    await requestToken({ grantType: "refresh_token", refreshToken }, {
      provider,
      fetch,
      now,
      random: Math.random,
      sleep: () => Promise.resolve(),
    });
    bare.push(performance.now() - t);
  }

  // The same 10,000 waiters on one bare round trip: what any single-flight design costs at least.
  const floorP50: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const refreshToken = (await store.load())!.refreshToken!;
    const start = performance.now();
    const shared = requestToken({ grantType: "refresh_token", refreshToken }, {
      provider,
      fetch,
      now,
      random: Math.random,
      sleep: () => Promise.resolve(),
    });
    const waiter = async () => (await shared, performance.now() - start);
    floorP50.push(quantile(await Promise.all(Array.from({ length: CALLERS }, waiter)), 0.5));
  }

  const requests: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    clock.offset += 31 * 60_000; // the access token is now expired
    const before = emu.emulator.stats().tokenRequests;
    const start = performance.now();
    const latencies = await Promise.all(
      Array.from({ length: CALLERS }, () => session.accessToken().then(() => performance.now() - start)),
    );
    requests.push(emu.emulator.stats().tokenRequests - before);
    p50.push(quantile(latencies, 0.5));
    p99.push(quantile(latencies, 0.99));
  }
  const floor = median(bare);
  const maxRequests = Math.max(...requests);
  console.log(`### Refresh storm: ${fmt(CALLERS)} concurrent accessToken() on an expired token (${REPEATS} storms)

| figure | value | goal |
|---|---|---|
| token requests per storm | ${requests.join(", ")} | exactly 1: ${maxRequests === 1 && Math.min(...requests) === 1 ? "met" : "missed"} |
| one bare refresh round trip (median) | ${floor.toFixed(2)} ms | — |
| caller latency p50 (median over storms) | ${median(p50).toFixed(2)} ms (+${(median(p50) - floor).toFixed(2)} ms over the round trip) | — |
| caller latency p99 (median over storms) | ${median(p99).toFixed(2)} ms (+${(median(p99) - floor).toFixed(2)} ms over the round trip) | — |
| floor: ${fmt(CALLERS)} awaits of one shared bare round trip, p50 | ${median(floorP50).toFixed(2)} ms | — |

The gap between the caller p50 and the floor is what tdauth adds (lock, store read and save, state bookkeeping); the rest is ${
    fmt(CALLERS)
  } promises being created and settled.`);
  console.log(`RESULT ${JSON.stringify({ bench: "refresh_storm", requests, p50: median(p50), p99: median(p99), roundTrip: floor })}`);
} finally {
  await emu.close();
}

// RedisLock acquire+release round trips (uncontended) with ioredis against a redis-server on
// 127.0.0.1: TDAUTH_REDIS_URL if set, else a private one started and stopped here.
// Run: npx tsx bench/redis_lock.bench.mjs [--quick]
import { Redis } from "ioredis";
import { RedisLock } from "../adapters/redis/lock.ts";
import { startTestRedis, uniquePrefix } from "../test/helpers/redis.ts";

const quick = process.argv.includes("--quick");
const warmup = quick ? 200 : 1_000;
const rounds = quick ? 2_000 : 20_000;

const server = await startTestRedis();
if (server === null) {
  console.error("redis-server not found and TDAUTH_REDIS_URL not set");
  process.exit(1);
}
const client = new Redis(server.url);
try {
  const lock = new RedisLock(client, { prefix: uniquePrefix("bench") });
  for (let i = 0; i < warmup; i++) await (await lock.acquire())();
  const samples = new Float64Array(rounds);
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const release = await lock.acquire();
    await release();
    samples[i] = performance.now() - t;
  }
  const total = performance.now() - started;
  samples.sort();
  const pct = (p) => samples[Math.min(rounds - 1, Math.floor(p * rounds))];
  const result = {
    bench: "RedisLock acquire+release (ioredis, uncontended, 127.0.0.1)",
    rounds,
    medianMs: +pct(0.5).toFixed(4),
    p99Ms: +pct(0.99).toFixed(4),
    opsPerSec: Math.round(rounds / (total / 1000)),
    node: process.version,
  };
  console.log(JSON.stringify(result));
  console.log(`RESULT ${JSON.stringify({ bench: "redis_lock", medianMs: result.medianMs, rounds })}`);
  console.log(`${result.bench}: median ${result.medianMs} ms, p99 ${result.p99Ms} ms, ${result.opsPerSec} ops/s over ${rounds} rounds`);
} finally {
  client.disconnect();
  await server.stop();
}

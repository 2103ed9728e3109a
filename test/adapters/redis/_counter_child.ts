// A separate OS process for the Redis lock tests: increments a counter under RedisLock
// (read, pause, write, so a second holder would lose updates), or holds the lock until killed.
import { RedisLock } from "../../../adapters/redis/lock.ts";
import { type ClientLib, connect } from "../../helpers/redis.ts";

const [mode, lib, url, prefix, countArg] = process.argv.slice(2) as [string, ClientLib, string, string, string];
const { client, raw, close } = await connect(lib, url);
const lock = new RedisLock(client as never, { prefix, ttlMs: 5_000, pollMs: 20 });

if (mode === "hold") {
  await lock.acquire({ timeoutMs: 10_000 });
  process.stdout.write("held\n");
  setInterval(() => {}, 1_000); // wait for SIGKILL
} else {
  let overlaps = 0;
  for (let i = 0; i < Number(countArg); i++) {
    const release = await lock.acquire({ timeoutMs: 30_000 });
    try {
      // Independent witness: more than one holder at a time shows up here even if no update is lost.
      await raw.set(`${prefix}inside`, String(process.pid));
      const n = Number((await raw.get(`${prefix}counter`)) ?? "0");
      await new Promise((r) => setTimeout(r, 1 + Math.random() * 2));
      if ((await raw.get(`${prefix}inside`)) !== String(process.pid)) overlaps++;
      await raw.set(`${prefix}counter`, String(n + 1));
    } finally {
      await release();
    }
  }
  process.stdout.write(JSON.stringify({ overlaps }) + "\n");
  await close();
}

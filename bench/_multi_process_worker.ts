// One process of the multi-process benchmark: N calls of accessToken() + one API request each,
// on a FileStore + FileLock shared with its siblings (the FileLock left out for the bench's
// control run, `nolock`). Prints {errors, halfMs, endMs}: the times to half-way and to the end
// from "go", from which the bench's calibration tells the warm rate from the JIT's start-up.
import { FileLock } from "../adapters/file/lock.ts";
import { FileStore } from "../adapters/file/store.ts";
import { schwab } from "../core/providers/schwab.ts";
import { AuthSession } from "../core/session.ts";

const [path, emulator, clientId, clientSecret, redirectURI, calls, ahead, locking] = process.argv.slice(2) as string[];
const session = new AuthSession({
  provider: schwab({ clientId: clientId!, clientSecret: clientSecret!, redirectURI: redirectURI!, baseURL: emulator! }),
  store: new FileStore(path!, { onWarning() {} }),
  ...(locking === "nolock" ? {} : { lock: new FileLock(`${path}.lock`) }),
  refreshAheadMs: Number(ahead),
});
let errors = 0;
// Start together: the parent sends "go" once every process has loaded.
process.stdout.write("ready\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
const start = performance.now();
let halfMs = 0;
for (let i = 0; i < Number(calls); i++) {
  if (i === Math.floor(Number(calls) / 2)) halfMs = performance.now() - start;
  try {
    await session.accessToken();
    const response = await session.fetch("/trader/v1/accounts/accountNumbers");
    await response.body?.cancel();
    if (!response.ok) errors++;
  } catch {
    errors++;
  }
}
process.stdout.write(`${JSON.stringify({ errors, halfMs, endMs: performance.now() - start })}\n`);
process.stdin.destroy();

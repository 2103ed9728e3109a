// One process of the multi-process benchmark: N calls of accessToken() + one API request each,
// on a FileStore + FileLock shared with its siblings. Prints {calls, errors}.
import { FileLock } from "../adapters/file/lock.ts";
import { FileStore } from "../adapters/file/store.ts";
import { schwab } from "../core/providers/schwab.ts";
import { AuthSession } from "../core/session.ts";

const [path, emulator, clientId, clientSecret, redirectURI, calls, ahead] = process.argv.slice(2) as string[];
const session = new AuthSession({
  provider: schwab({ clientId: clientId!, clientSecret: clientSecret!, redirectURI: redirectURI!, baseURL: emulator! }),
  store: new FileStore(path!, { onWarning() {} }),
  lock: new FileLock(`${path}.lock`),
  refreshAheadMs: Number(ahead),
});
let errors = 0;
// Start together: the parent sends "go" once every process has loaded.
process.stdout.write("ready\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
for (let i = 0; i < Number(calls); i++) {
  try {
    await session.accessToken();
    const response = await session.fetch("/trader/v1/accounts/accountNumbers");
    await response.body?.cancel();
    if (!response.ok) errors++;
  } catch {
    errors++;
  }
}
process.stdout.write(`${JSON.stringify({ errors })}\n`);
process.stdin.destroy();

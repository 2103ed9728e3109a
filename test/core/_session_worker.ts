// One process sharing a credentials file with the test (and with its siblings): a session on a
// plain `new FileStore(path)` (its default lock), against the emulator's default Schwab app, doing
// what WORKER_MODE says. Runs on Node through tsx. Prints one JSON line with what happened.
import { FileStore } from "../../adapters/file/store.ts";
import { schwab } from "../../core/providers/schwab.ts";
import { AuthSession } from "../../core/session.ts";
import { DEFAULT_SCHWAB_APP } from "../../emulator/mod.ts";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`session worker: ${name} is not set`);
  return value;
};

const warnings: string[] = [];
const store = new FileStore(env("WORKER_PATH"), { onWarning: (message) => void warnings.push(message) });
const session = new AuthSession({
  provider: schwab({
    clientId: DEFAULT_SCHWAB_APP.clientId,
    clientSecret: process.env.WORKER_SECRET ?? DEFAULT_SCHWAB_APP.clientSecret!,
    redirectURI: DEFAULT_SCHWAB_APP.redirectURIs[0]!,
    baseURL: env("WORKER_EMULATOR"),
  }),
  store,
  requestTimeoutMs: Number(process.env.WORKER_REQUEST_TIMEOUT_MS ?? 10_000),
});
const events: string[] = [];
session.subscribe((event) => void (event.type !== "tokens" && events.push(event.type === "state" ? `state:${event.state}` : event.type)));

const result: Record<string, unknown> = { pid: process.pid };
const mode = env("WORKER_MODE");
try {
  if (mode === "lock") {
    // How long this process waits for the lock of the file.
    const started = performance.now();
    const release = await store.defaultLock().acquire({ timeoutMs: Number(env("WORKER_LOCK_TIMEOUT_MS")) });
    result.waitedMs = performance.now() - started;
    await release();
  } else if (mode === "refresh") {
    await session.refresh({ force: true });
  } else if (mode === "refresh-twice") {
    const first = await session.accessToken();
    const errors: string[] = [];
    for (let i = 0; i < 2; i++) await session.refresh({ force: true }).catch((e: Error) => void errors.push(e.name));
    result.refreshErrors = errors;
    result.tokenIsNew = (await session.accessToken()) !== first;
  } else if (mode === "tokens") {
    // WORKER_CALLS accessToken() calls, WORKER_GAP_MS apart: a process that keeps working.
    const tokens = new Set<string>();
    for (let i = 0; i < Number(env("WORKER_CALLS")); i++) {
      tokens.add(await session.accessToken());
      await new Promise((resolve) => setTimeout(resolve, Number(env("WORKER_GAP_MS"))));
    }
    await session.refresh();
    result.tokens = tokens.size;
  }
} catch (error) {
  result.error = { name: (error as Error).name, message: (error as Error).message };
}
result.state = (await session.status().catch(() => undefined))?.state;
result.events = events;
result.warnings = warnings;
console.log(JSON.stringify(result));

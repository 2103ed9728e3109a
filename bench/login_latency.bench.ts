// Login latency from authorize() to tokens saved, against the emulator with
// auto-approve: the core flow alone (memory and file store), and through the loopback callback
// server (browserLogin, with a plain fetch following the redirect where a browser would).
// p50/p95 over N logins each.
// Run: node_modules/.bin/tsx bench/login_latency.bench.ts [--quick]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../emulator/mod.ts";
import { FileStore } from "../adapters/file/store.ts";
import { MemoryStore } from "../core/memory_store.ts";
import { tdAmeritrade } from "../core/providers/td_ameritrade.ts";
import { AuthSession } from "../core/session.ts";
import type { StoredTokens, TokenStore } from "../core/types.ts";
import { browserLogin } from "../adapters/hono/browser_login.ts";
import { freePort } from "../test/helpers/port.ts";
import { approvedRedirect, emulatorLogin } from "../test/helpers/login.ts";
import { quantile } from "./_stats.ts";

const quick = process.argv.includes("--quick");
const LOGINS = quick ? 5 : 50;
const emu = await startEmulator({ port: 0, autoApprove: true, rateLimitPerMinute: 1_000_000 });
const dir = mkdtempSync(join(tmpdir(), "tdauth-bench-login-"));

/** A session whose authorize() call and store save are time-stamped. */
function timedSession(store: TokenStore, redirectURI: string): { session: AuthSession; times: { authorize: number; saved: number } } {
  const times = { authorize: Number.NaN, saved: Number.NaN };
  const timed: TokenStore = {
    load: () => store.load(),
    save: async (t: StoredTokens) => (await store.save(t), (times.saved = performance.now()), undefined),
    clear: () => store.clear(),
  };
  const session = new AuthSession({ provider: tdAmeritrade({ clientId: "BENCHLOGIN", redirectURI, baseURL: emu.url }), store: timed });
  const authorize = session.authorize.bind(session);
  session.authorize = () => ((times.authorize = performance.now()), authorize());
  return { session, times };
}

try {
  const port = await freePort();
  const redirectURI = `http://127.0.0.1:${port}/callback`;
  emu.emulator.registerApp({ flavour: "td", clientId: "BENCHLOGIN", redirectURIs: [redirectURI] });
  let files = 0;
  const fileStore = () => new FileStore(join(dir, `${files++}`, "td_state.json"), { onWarning() {} });

  const coreMemory: number[] = [];
  const coreFile: number[] = [];
  for (let i = 0; i < LOGINS; i++) {
    for (const [store, out] of [[new MemoryStore(), coreMemory], [fileStore(), coreFile]] as const) {
      const { session, times } = timedSession(store, redirectURI);
      await emulatorLogin(session);
      out.push(times.saved - times.authorize);
    }
  }
  const serverSaved: number[] = [];
  const serverWhole: number[] = [];
  for (let i = 0; i < LOGINS; i++) {
    const { session, times } = timedSession(fileStore(), redirectURI);
    const t = performance.now();
    await browserLogin(session, {
      openBrowser: false,
      log: () => {},
      port,
      timeoutMs: 10_000,
      onURL: (url) => void approvedRedirect(url).then((callback) => fetch(callback)).then((r) => r.body?.cancel()),
    });
    serverWhole.push(performance.now() - t);
    serverSaved.push(times.saved - times.authorize);
  }
  const row = (label: string, v: number[]) => `| ${label} | ${quantile(v, 0.5).toFixed(2)} ms | ${quantile(v, 0.95).toFixed(2)} ms |`;
  console.log(`### Login latency (${LOGINS} logins each, emulator with auto-approve, TD Ameritrade profile, which sends no PKCE)

| path | p50 | p95 |
|---|---|---|
${row("core, MemoryStore: authorize() → tokens saved", coreMemory)}
${row("core, FileStore (fsync + rename): authorize() → tokens saved", coreFile)}
${row("browserLogin + FileStore: authorize() → tokens saved (through the callback server)", serverSaved)}
${row("browserLogin + FileStore: call → resolved (server start, login, 250 ms for the success page, close)", serverWhole)}

The redirect is followed by a plain \`fetch\` where a browser would be; the emulator approves at once, so these
figures are tdauth's and the emulator's own work, without a person or a browser.`);
  console.log(
    `RESULT ${
      JSON.stringify({
        bench: "login_latency",
        coreP50: quantile(coreMemory, 0.5),
        fileP50: quantile(coreFile, 0.5),
        serverP50: quantile(serverSaved, 0.5),
        serverWholeP50: quantile(serverWhole, 0.5),
      })
    }`,
  );
} finally {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
}

// Issue 7.7: login latency from authorize() to tokens saved, against the emulator with
// auto-approve: the core flow alone, and through the loopback callback server (browserLogin,
// with a plain fetch following the redirect where a browser would). p50/p95 over N logins.
// Run: node_modules/.bin/tsx bench/login_latency.bench.ts [--quick]
import { startEmulator } from "../emulator/mod.ts";
import { MemoryStore } from "../core/memory_store.ts";
import { tdAmeritrade } from "../core/providers/td_ameritrade.ts";
import { AuthSession } from "../core/session.ts";
import { browserLogin } from "../adapters/hono/browser_login.ts";
import { freePort } from "../test/helpers/browser.ts";
import { approvedRedirect, emulatorLogin } from "../test/helpers/login.ts";
import { quantile } from "./_stats.ts";

const quick = process.argv.includes("--quick");
const LOGINS = quick ? 5 : 50;
const emu = await startEmulator({ port: 0, autoApprove: true, rateLimitPerMinute: 1_000_000 });
try {
  const port = await freePort();
  const redirectURI = `http://127.0.0.1:${port}/callback`;
  emu.emulator.registerApp({ flavour: "td", clientId: "BENCHLOGIN", redirectURIs: [redirectURI] });
  const session = () =>
    new AuthSession({ provider: tdAmeritrade({ clientId: "BENCHLOGIN", redirectURI, baseURL: emu.url }), store: new MemoryStore() });

  const core: number[] = [];
  for (let i = 0; i < LOGINS; i++) {
    const s = session();
    const t = performance.now();
    await emulatorLogin(s);
    core.push(performance.now() - t);
  }
  const server: number[] = [];
  for (let i = 0; i < LOGINS; i++) {
    const s = session();
    const t = performance.now();
    await browserLogin(s, {
      openBrowser: false,
      log: () => {},
      onURL: (url) => void approvedRedirect(url).then((callback) => fetch(callback)).then((r) => r.body?.cancel()),
    });
    server.push(performance.now() - t);
  }
  const row = (label: string, v: number[]) => `| ${label} | ${quantile(v, 0.5).toFixed(2)} ms | ${quantile(v, 0.95).toFixed(2)} ms |`;
  console.log(`### Login latency: authorize() → tokens saved (${LOGINS} logins each, emulator with auto-approve)

| path | p50 | p95 |
|---|---|---|
${row("core: authorize → redirect → complete()", core)}
${row("browserLogin: callback server started, redirect followed, server closed", server)}`);
  console.log(`RESULT ${JSON.stringify({ bench: "login_latency", coreP50: quantile(core, 0.5), serverP50: quantile(server, 0.5) })}`);
} finally {
  await emu.close();
}

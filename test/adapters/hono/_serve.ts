// Serves a fresh callback app for one test: a TD app registered on the emulator for a free
// loopback port, a session on a MemoryStore, run() until the test stops it with /shutdown.
import type { startEmulator } from "../../../emulator/mod.ts";
import { MemoryStore } from "../../../core/memory_store.ts";
import { tdAmeritrade } from "../../../core/providers/td_ameritrade.ts";
import { AuthSession } from "../../../core/session.ts";
import { type AuthApp, type AuthAppOptions, createAuthApp } from "../../../adapters/hono/app.ts";
import { run, type RunResult } from "../../../adapters/hono/run.ts";
import { freePort } from "../../helpers/port.ts";

export interface Served {
  session: AuthSession;
  store: MemoryStore;
  app: AuthApp;
  origin: string;
  /** What run() ended with: its result, or the error it rejected with. */
  finished: Promise<RunResult | Error>;
  /** Posts /shutdown with the run token (harmless when the server already stopped). */
  stop(): Promise<void>;
}

export async function serveApp(
  emu: Awaited<ReturnType<typeof startEmulator>>,
  appOptions: Omit<AuthAppOptions, "session" | "client"> = {},
): Promise<Served> {
  const port = await freePort();
  const redirectURI = `http://127.0.0.1:${port}/callback`;
  const clientId = `SERVED${port}`;
  emu.emulator.registerApp({ flavour: "td", clientId, redirectURIs: [redirectURI] });
  const store = new MemoryStore();
  const session = new AuthSession({ provider: tdAmeritrade({ clientId, redirectURI, baseURL: emu.url }), store });
  const app = createAuthApp({ session, ...appOptions });
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const finished = run(app, { port, timeoutMs: 0, onListen: () => listening() }).catch((e: Error) => e);
  await Promise.race([ready, finished]);
  const origin = `http://127.0.0.1:${port}`;
  const shutdown: RequestInit = { method: "POST", body: new URLSearchParams({ token: app.tdauth.runToken }) };
  return { session, store, app, origin, finished, stop: async () => void (await fetch(`${origin}/shutdown`, shutdown).catch(() => {})) };
}

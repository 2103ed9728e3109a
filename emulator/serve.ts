// Serves an emulator over HTTP on 127.0.0.1 with whatever runtime runs it: Node, Deno or Bun,
// through the one place that choice is made (the Hono adapter's listen()).

import { listen } from "../adapters/hono/_listen.ts";
import { ownHostOnly } from "./_host_check.ts";
import { createEmulator, endHangingRequests } from "./create_emulator.ts";
import type { RunningEmulator, StartEmulatorOptions } from "./types.ts";

/**
 * Starts an emulator on the loopback address; `port: 0` (the default) picks a free port. It answers only
 * requests whose Host is `127.0.0.1:PORT`, `localhost:PORT` or `[::1]:PORT` (421 otherwise), so a web page
 * that rebinds its DNS name to 127.0.0.1 cannot reach `/__emulator/*`; `running.emulator.fetch` is not checked.
 * Runs on Node (@hono/node-server, loaded on first use), Deno (`Deno.serve`) and Bun (`Bun.serve`); in a
 * Worker, "tdauth/emulator" offers `createEmulator` alone.
 *
 * @example
 * const running = await startEmulator({ port: 0, autoApprove: true });
 * const res = await fetch(`${running.url}/__emulator/stats`);
 * await running.close();
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const { port = 0, hostname = "127.0.0.1", ...emulatorOptions } = options;
  if (hostname !== "127.0.0.1") throw new TypeError(`hostname must be 127.0.0.1, got ${String(hostname)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new TypeError(`port must be 0-65535, got ${port}`);
  const emulator = createEmulator(emulatorOptions);
  let ownPort = port;
  // Keep-alive connections from fetch() would otherwise hold close() open: a test server cuts them at once.
  const server = await listen({ fetch: ownHostOnly(emulator.fetch, () => ownPort), hostname, port, graceMs: 0 });
  ownPort = server.port;
  return {
    url: `http://${hostname}:${server.port}`,
    emulator,
    close: async () => {
      // First, so that no server waits on a response a hang fault holds back.
      endHangingRequests(emulator);
      await server.close();
    },
  };
}

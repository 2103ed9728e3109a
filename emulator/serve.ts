// Serves an emulator over HTTP on 127.0.0.1 (Node, and Deno/Bun through their Node compatibility).

import type { ServerType } from "@hono/node-server";
import { ownHostOnly } from "./_host_check.ts";
import { createEmulator, endHangingRequests } from "./create_emulator.ts";
import type { RunningEmulator, StartEmulatorOptions } from "./types.ts";

const NODE_SERVER = "@hono/node-server";

/**
 * Starts an emulator on the loopback address; `port: 0` (the default) picks a free port. It answers only
 * requests whose Host is `127.0.0.1:PORT`, `localhost:PORT` or `[::1]:PORT` (421 otherwise), so a web page
 * that rebinds its DNS name to 127.0.0.1 cannot reach `/__emulator/*`; `running.emulator.fetch` is not checked.
 * The node server is imported lazily so that `tdauth/emulator` also loads where only `createEmulator` works (workerd).
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
  // A specifier held in a variable keeps bundlers (esbuild, wrangler) from pulling node:http into a Worker bundle.
  const { serve } = (await import(/* @vite-ignore */ NODE_SERVER)) as typeof import("@hono/node-server");
  let ownPort = port;
  const fetch = ownHostOnly(emulator.fetch, () => ownPort);
  const { server, boundPort } = await new Promise<{ server: ServerType; boundPort: number }>((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, (info) => resolve({ server, boundPort: info.port }));
    server.once("error", reject);
  });
  ownPort = boundPort;
  return {
    url: `http://${hostname}:${boundPort}`,
    emulator,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from fetch() would otherwise hold close() open for seconds.
        if ("closeAllConnections" in server) server.closeAllConnections();
      });
      endHangingRequests(emulator);
    },
  };
}

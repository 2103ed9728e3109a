// The emulator served on 127.0.0.1 with a log of when each token grant was made, so a bench can
// tell a refresh that was due from one that replaced a still-fresh token.
import { serve } from "@hono/node-server";
import { createEmulator } from "../emulator/mod.ts";
import type { Emulator, EmulatorOptions } from "../emulator/mod.ts";

/** One token request: a `code` grant (a login), a `refresh` grant, or one `refused`, at `at` (epoch ms). */
export interface Grant {
  kind: "code" | "refresh" | "refused";
  at: number;
}

/** Starts the emulator; `grants` fills in as tokens are issued. */
export async function startLoggedEmulator(
  options: EmulatorOptions,
): Promise<{ url: string; emulator: Emulator; grants: Grant[]; close: () => Promise<void> }> {
  const emulator = createEmulator(options);
  const grants: Grant[] = [];
  let codes = 0;
  let refreshes = 0;
  let requests = 0;
  // The counters move while the handler runs, so diffing them after each request attributes
  // every grant without parsing request bodies. Stamped before the response leaves, so a client
  // always learns of a token after its stamp.
  const fetch = async (request: Request): Promise<Response> => {
    const response = await emulator.fetch(request);
    const stats = emulator.stats();
    for (; codes < stats.authorizationCodeGrants; codes++) grants.push({ kind: "code", at: Date.now() });
    for (; refreshes < stats.refreshGrants; refreshes++) grants.push({ kind: "refresh", at: Date.now() });
    // A token request that granted nothing (a refresh token already used, reuse detection...).
    for (; requests < stats.tokenRequests - codes - refreshes; requests++) grants.push({ kind: "refused", at: Date.now() });
    return response;
  };
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve, reject) => {
    const server = serve({ fetch, hostname: "127.0.0.1", port: 0 }, (info) => resolve({ server, port: info.port }));
    server.once("error", reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    emulator,
    grants,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}

// Serves a fetch handler on 127.0.0.1 with whatever runtime runs us: Node (@hono/node-server),
// Deno (Deno.serve) or Bun (Bun.serve). The only place the choice is made.

/**
 * PEM-encoded certificate and private key for HTTPS.
 * @example
 * ```ts
 * const tls: TLSFiles = { cert: readFileSync("cert.pem", "utf8"), key: readFileSync("key.pem", "utf8") };
 * ```
 */
export interface TLSFiles {
  /** The certificate, PEM ("-----BEGIN CERTIFICATE-----"). */
  cert: string;
  /** Its private key, PEM. */
  key: string;
}

/**
 * A listening server.
 * @example
 * ```ts
 * const server: Listening = await listen({ fetch, hostname: "127.0.0.1", port: 0 });
 * ```
 */
export interface Listening {
  /** The port actually bound (useful with port 0). */
  port: number;
  hostname: string;
  close(): Promise<void>;
}

/**
 * What {@link listen} needs.
 * @example
 * ```ts
 * const options: ListenOptions = { fetch: app.fetch, hostname: "127.0.0.1", port: 8182, tls };
 * ```
 */
export interface ListenOptions {
  fetch: (request: Request) => Response | Promise<Response>;
  hostname: string;
  port: number;
  tls?: TLSFiles;
  /**
   * On Node, how long `close()` lets responses in flight finish before cutting the connections
   * left; default 1000 ms. 0 cuts at once (a test server whose clients keep connections alive).
   */
  graceMs?: number;
}

type DenoServer = { addr: { port: number }; shutdown(): Promise<void> };
type DenoLike = { serve(options: Record<string, unknown>, handler: ListenOptions["fetch"]): DenoServer };
type BunServer = { port: number; stop(closeActive?: boolean): void | Promise<void> };
type BunLike = { serve(options: Record<string, unknown>): BunServer };

/**
 * Starts serving and resolves once the socket listens.
 *
 * @example
 * ```ts
 * const server = await listen({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
 * console.log(server.port);
 * await server.close();
 * ```
 */
export async function listen(options: ListenOptions): Promise<Listening> {
  const { hostname, port, tls } = options;
  const runtime = globalThis as { Deno?: DenoLike; Bun?: BunLike };
  if (runtime.Deno) {
    let listening!: (port: number) => void;
    const bound = new Promise<number>((resolve) => (listening = resolve));
    // onListen may run before Deno.serve returns, so the port arrives through a promise.
    const server = runtime.Deno.serve({
      hostname,
      port,
      ...(tls ? { cert: tls.cert, key: tls.key } : {}),
      onListen: ({ port: p }: { port: number }) => listening(p),
    }, options.fetch);
    return { port: await bound, hostname, close: () => server.shutdown() };
  }
  if (runtime.Bun) {
    const server = runtime.Bun.serve({ hostname, port, fetch: options.fetch, ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}) });
    return { port: server.port, hostname, close: async () => void (await server.stop()) };
  }
  const { serve } = await import("@hono/node-server");
  const https = tls ? await import("node:https") : undefined;
  return await new Promise<Listening>((resolve, reject) => {
    const server = serve({
      fetch: options.fetch,
      hostname,
      port,
      ...(https && tls ? { createServer: https.createServer, serverOptions: { cert: tls.cert, key: tls.key } } : {}),
    }, (info) => {
      resolve({
        port: info.port,
        hostname,
        close: () =>
          new Promise<void>((done) => {
            // Graceful: a response in flight (the success page) still goes out; browsers keep
            // connections alive, so whatever is left after a moment is cut.
            const force = setTimeout(
              () => (server as { closeAllConnections?: () => void }).closeAllConnections?.(),
              options.graceMs ?? 1000,
            );
            server.close(() => {
              clearTimeout(force);
              done();
            });
          }),
      });
    });
    server.once("error", reject);
  });
}

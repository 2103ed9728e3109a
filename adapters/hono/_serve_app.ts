// Puts a callback app on the loopback address of its redirect URI (https with the loopback
// certificate when the URI is https) and keeps track of it, for run(), shutdownServer() and the
// CLI's `tdauth serve`, which serves until it is told to stop.
import { isLoopbackHost } from "../../core/loopback.ts";
import type { AuthApp } from "./app.ts";
import { listen, type Listening, type TLSFiles } from "./_listen.ts";
import { callbackPortError } from "./port_error.ts";

/**
 * Where and how to serve: `run()`'s options of the same names.
 * @example
 * ```ts
 * const options: ServeAppOptions = { port: 0, hostname: "127.0.0.1" };
 * ```
 */
export interface ServeAppOptions {
  port?: number;
  hostname?: string;
  tls?: TLSFiles;
  certDir?: string;
}

/**
 * A served app: its origin, and how to stop it (once; later calls share the first).
 * @example
 * ```ts
 * const { origin, close } = await serveApp(app, { port: 0 });
 * ```
 */
export interface ServedApp {
  origin: string;
  close(): Promise<void>;
}

const running = new Set<Listening>();

/**
 * Serves `app` on the redirect URI's port (or `port`), 127.0.0.1 unless another loopback
 * `hostname` is given, with TLS when the redirect URI is https.
 *
 * @example
 * ```ts
 * const { origin, close } = await serveApp(app, { port: 0 });
 * ```
 */
export async function serveApp(app: AuthApp, options: ServeAppOptions = {}): Promise<ServedApp> {
  const session = await app.tdauth.session();
  const redirect = new URL(session.provider.redirectURI);
  const https = redirect.protocol === "https:";
  const hostname = options.hostname ?? "127.0.0.1";
  if (!isLoopbackHost(hostname)) {
    throw new TypeError(`hostname "${hostname}" is not a loopback address: the login server only listens on 127.0.0.1 or ::1.`);
  }
  const port = options.port ?? (redirect.port ? Number(redirect.port) : https ? 443 : 80);
  let tls = options.tls;
  if (!tls && https) {
    const cert = await import("./cert.ts");
    tls = await cert.loopbackCertificate(options.certDir ?? cert.certDirFor(session.storePath));
  }
  const server = await listen({
    fetch: app.fetch,
    hostname: hostname === "localhost" ? "127.0.0.1" : hostname.replace(/^\[|\]$/g, ""),
    port,
    ...(tls ? { tls } : {}),
  }).catch((error: unknown) => {
    throw callbackPortError(error, port) ?? error;
  });
  running.add(server);
  app.tdauth.port = server.port;
  const host = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
  let closed: Promise<void> | undefined;
  return {
    origin: `${tls ? "https" : "http"}://${host}:${server.port}`,
    close: () => (closed ??= (running.delete(server), server.close())),
  };
}

/**
 * Stops every server {@link serveApp} started in this process.
 * @example
 * ```ts
 * await closeAll();
 * ```
 */
export async function closeAll(): Promise<void> {
  await Promise.all([...running].map((server) => {
    running.delete(server);
    return server.close();
  }));
}

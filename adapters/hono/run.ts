/**
 * `run()` and `shutdownServer()`: serve the callback app on the loopback address of the
 * redirect URI (https with a self-signed certificate when the URI is https) until a login
 * completes, on Node, Deno or Bun.
 * @module
 */

import { SESSION_DEFAULTS } from "../../core/_session_settings.ts";
import { AuthorizationError } from "../../core/errors.ts";
import type { SessionStatus } from "../../core/session_types.ts";
import type { StoredTokens } from "../../core/types.ts";
import type { AuthApp } from "./app.ts";
import type { TLSFiles } from "./_listen.ts";
import { closeAll, serveApp } from "./_serve_app.ts";

/**
 * Options of {@link run}.
 * @example
 * ```ts
 * const options: RunOptions = { closeAfter: true, timeoutMs: 120_000 };
 * ```
 */
export interface RunOptions {
  /** Close the server after the first successful login (the Python library's `close_after`). */
  closeAfter?: boolean;
  /** Default: the redirect URI's port. 0 picks a free one. */
  port?: number;
  /** A loopback address; default 127.0.0.1. */
  hostname?: string;
  /** Give up when no login completed in this long; default 300 000 (5 min); 0 waits forever. */
  timeoutMs?: number;
  /** Certificate and key (PEM) for https; default a self-signed one when the redirect URI is https. */
  tls?: TLSFiles;
  /** Where the self-signed certificate is kept; default beside the credentials file (FileStore), else `TDAUTH_HOME` or `~/.td_python_api`. */
  certDir?: string;
  /** Cancels the wait: the server stops and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called once the server listens, with its origin (e.g. "https://127.0.0.1:8182"). */
  onListen?: (origin: string) => void | Promise<void>;
}

/**
 * What {@link run} resolves with once a login completes.
 * @example
 * ```ts
 * const { status, close } = await run(app);
 * ```
 */
export interface RunResult {
  /** The session's status after the login. */
  status: SessionStatus;
  /** The tokens the login saved (secrets: never log them). */
  tokens: StoredTokens | null;
  /** The origin the app was served on. */
  origin: string;
  /** Stops the server (already stopped with `closeAfter`). */
  close(): Promise<void>;
}

/**
 * Serves `app` until a login completes, then resolves with the session's status and tokens.
 * Rejects on timeout, abort, a failed login, or a `/shutdown` before any login.
 *
 * @example
 * ```ts
 * const app = createAuthApp({ session });
 * const { status } = await run(app, { closeAfter: true });
 * console.log(status.state); // "authenticated"
 * ```
 */
export async function run(app: AuthApp, options: RunOptions = {}): Promise<RunResult> {
  const session = await app.tdauth.session();
  const { origin, close } = await serveApp(app, options);

  return await new Promise<RunResult>((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (error: unknown, status?: SessionStatus): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (error !== undefined) {
        void close().then(() => reject(error));
        return;
      }
      // Let the success page (and what the browser fetches with it) go out before the server stops.
      const done = async () => resolve({ status: status!, tokens: await session.tokens(), origin, close });
      if (options.closeAfter) setTimeout(() => void close().then(done), 250);
      else void done();
    };
    const onAbort = () => finish(options.signal!.reason ?? new AuthorizationError("The login was cancelled."));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const timeoutMs = options.timeoutMs ?? SESSION_DEFAULTS.authorizationTimeoutMs;
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        finish(
          new AuthorizationError(
            `No login completed within ${Math.round(timeoutMs / 1000)} s; the login server stopped. Run the login again.`,
          ),
        );
      }, timeoutMs);
    }
    app.tdauth.onLogin((status) => finish(undefined, status));
    app.tdauth.onLoginFailed((error) => finish(error));
    app.tdauth.onShutdown(() => finish(new AuthorizationError("The login server was shut down before a login completed.")));
    Promise.resolve(options.onListen?.(origin)).catch((error) => finish(error));
  });
}

/**
 * Stops every server `run()` started in this process (the Python library's `shutdown_server()`).
 *
 * @example
 * ```ts
 * await shutdownServer();
 * ```
 */
export async function shutdownServer(): Promise<void> {
  await closeAll();
}

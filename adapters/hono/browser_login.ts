// The browser login: serve the callback on the redirect URI's loopback address, open the
// provider's login page, and resolve when the callback has exchanged the code.

import type { AuthSession } from "../../core/session.ts";
import type { SessionStatus } from "../../core/session_types.ts";
import { createAuthApp } from "./app.ts";
import type { TLSFiles } from "./_listen.ts";
import { run } from "./run.ts";

export { CallbackPortError } from "./port_error.ts";

/**
 * Options of {@link browserLogin}.
 * @example
 * ```ts
 * const options: BrowserLoginOptions = { openBrowser: false, onURL: (url) => console.log(url) };
 * ```
 */
export interface BrowserLoginOptions {
  /** Open the default browser; default true. */
  openBrowser?: boolean;
  /** Where progress lines go; default `console.log`. */
  log?: (line: string) => void;
  /** Default 300 000 (5 min). */
  timeoutMs?: number;
  /** The callback server's port; default the redirect URI's. */
  port?: number;
  /** A loopback address to listen on; default 127.0.0.1. */
  hostname?: string;
  /** Certificate and key (PEM) for https; default a self-signed one when the redirect URI is https. */
  tls?: TLSFiles;
  /** Where the self-signed certificate is kept; default beside the credentials file, else `TDAUTH_HOME` or `~/.td_python_api`. */
  certDir?: string;
  /** Cancels the login: the server stops and the promise rejects. */
  signal?: AbortSignal;
  /**
   * Called once the callback server listens with the URL to open: the provider's login page, or
   * over https this server's `/login` (which redirects there after the certificate warning).
   * A caller that takes the URL shows it and the wait itself, so `log` then gets no line
   * repeating either: only the certificate note and a browser that would not open.
   */
  onURL?: (url: string) => void;
}

/**
 * Logs in through the browser. The callback server closes when the login completes, fails or
 * times out.
 *
 * @example
 * ```ts
 * import { browserLogin } from "tdauth/hono";
 * const status = await browserLogin(session);
 * ```
 */
export async function browserLogin(session: AuthSession, options: BrowserLoginOptions = {}): Promise<SessionStatus> {
  const log = options.log ?? ((line: string) => console.log(line));
  // The callback app guards the pending login for as long as the server waits for it.
  const app = createAuthApp(options.timeoutMs === undefined ? { session } : { session, authorizationTimeoutMs: options.timeoutMs });
  const { status } = await run(app, {
    closeAfter: true,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.hostname !== undefined ? { hostname: options.hostname } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.certDir ? { certDir: options.certDir } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onListen: async (origin) => {
      // Over https the browser first meets our self-signed certificate. Sending it to our own
      // /login makes that warning come before the provider's login, not at the callback, where
      // a Schwab code dies within ~30 s while the user reads the warning.
      const https = origin.startsWith("https:");
      const url = https ? `${origin}/login` : (await session.authorize()).url;
      options.onURL?.(url);
      const shown = options.onURL !== undefined;
      if (!shown) log(`Waiting for the login on ${origin} ...`);
      if (https) {
        log(
          "The browser will warn that the certificate of 127.0.0.1 is not trusted: tdauth made it for this computer only; continue to 127.0.0.1 to reach the login.",
        );
      }
      if (options.openBrowser === false) {
        if (!shown) log(`Open this URL in a browser to log in: ${url}`);
        return;
      }
      const { openBrowser } = await import("./_open_browser.ts");
      if (await openBrowser(url)) {
        if (!shown) log(`Opened the browser. If nothing appeared, open: ${url}`);
      } else {
        log(
          shown ? "Could not open a browser; open the URL above to log in." : `Could not open a browser; open this URL to log in: ${url}`,
        );
      }
    },
  });
  return status;
}

// The browser login: the Hono adapter serves the callback on 127.0.0.1 and opens the browser;
// this side shows the URL, a spinner with the time left, and the adapter's messages. When the
// callback port cannot be served (in use, or below 1024 without the rights), it says why and
// continues with the caller's fallback, the manual login, in the same run.

import type { AuthSession } from "../core/session.ts";
import type { SessionStatus } from "../core/session_types.ts";
import { CLIError } from "./_errors.ts";
import type { IO } from "./_output.ts";
import { type Spinner, startSpinner } from "./_spinner.ts";

/**
 * Options of {@link browserFlow}.
 * @example
 * ```ts
 * const options: BrowserFlowOptions = { timeoutMs: 300_000, openBrowser: false, fallback: () => manualLogin(session, io, { timeoutMs: 300_000 }) };
 * ```
 */
export interface BrowserFlowOptions {
  timeoutMs: number;
  /** False for `--no-browser`: serve the callback but let the user open the URL. */
  openBrowser: boolean;
  /** The login to run instead when the callback port cannot be served. */
  fallback: () => Promise<SessionStatus>;
}

/** Explains, before anything is bound, why a redirect URI without a port will likely not serve. */
function explainMissingPort(redirectURI: string, io: IO): void {
  const url = new URL(redirectURI);
  if (url.port !== "") return;
  const port = url.protocol === "https:" ? 443 : 80;
  io.err(
    `${io.yellow("note:")} the redirect URI ${url.origin} names no port, so the login must be received on port ${port}, ` +
      `which only an administrator may serve on most systems; a redirect URI with a port above 1023 ` +
      `(e.g. ${url.protocol}//127.0.0.1:8182) avoids this. If the port cannot be served, you paste the redirect URL instead.`,
  );
}

async function loadAdapter(): Promise<typeof import("../adapters/hono/browser_login.ts")> {
  try {
    // Hono and its server load only here, never on the token path.
    return await import("../adapters/hono/browser_login.ts");
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" || /Cannot find module|Module not found/i.test(String(error))) {
      throw new CLIError("the browser flow is not available (hono is not installed)", {
        hint: "use --flow manual, or install hono (npm i hono)",
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Runs the browser flow to completion and resolves with the new status.
 * @example
 * ```ts
 * const status = await browserFlow(session, io, { timeoutMs: 300_000, openBrowser: true, fallback: () => manualLogin(session, io, { timeoutMs: 300_000 }) });
 * ```
 */
export async function browserFlow(session: AuthSession, io: IO, options: BrowserFlowOptions): Promise<SessionStatus> {
  explainMissingPort(session.provider.redirectURI, io);
  const { browserLogin, CallbackPortError } = await loadAdapter();
  const deadline = Date.now() + options.timeoutMs;
  let spinner: Spinner | undefined;
  const log = (line: string): void => (spinner ? spinner.log(line) : io.err(line));
  try {
    return await browserLogin(session, {
      openBrowser: options.openBrowser,
      timeoutMs: options.timeoutMs,
      log,
      onURL(url) {
        io.err(
          options.openBrowser ? "Opening your browser to log in. If it does not open, visit:" : "Open this URL in a browser to log in:",
        );
        io.err(`  ${url}`);
        spinner ??= startSpinner(io, "Waiting for the login in the browser…", deadline);
      },
    });
  } catch (error) {
    if (!(error instanceof CallbackPortError)) throw error;
    io.err(`${io.yellow("warning:")} ${error.message}`);
    io.err("Continuing with the manual login instead.");
    return await options.fallback();
  } finally {
    spinner?.stop();
  }
}

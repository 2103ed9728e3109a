// The browser login: the Hono adapter serves the callback on 127.0.0.1 and opens the browser;
// this side shows the URL, a spinner with the time left, and the adapter's messages.

import type { AuthSession } from "../core/session.ts";
import type { SessionStatus } from "../core/session_types.ts";
import { CLIError } from "./_errors.ts";
import type { IO } from "./_output.ts";
import { type Spinner, startSpinner } from "./_spinner.ts";

/**
 * Options of {@link browserFlow}.
 * @example
 * ```ts
 * const options: BrowserFlowOptions = { timeoutMs: 300_000, openBrowser: false };
 * ```
 */
export interface BrowserFlowOptions {
  timeoutMs: number;
  /** False for `--no-browser`: serve the callback but let the user open the URL. */
  openBrowser: boolean;
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
 * const status = await browserFlow(session, io, { timeoutMs: 300_000, openBrowser: true });
 * ```
 */
export async function browserFlow(session: AuthSession, io: IO, options: BrowserFlowOptions): Promise<SessionStatus> {
  const { browserLogin } = await loadAdapter();
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
  } finally {
    spinner?.stop();
  }
}

// The manual (headless/SSH) login: print the authorization URL, read the pasted redirect URL
// from stdin (terminal or pipe), explain a bad paste and ask again, start over if the server
// refuses the code, and stop cleanly when the input ends.

import { parseCallback } from "../core/callback.ts";
import { foreignCallback } from "../core/callback_check.ts";
import { AuthorizationError, TokenRequestError, TokenResponseError } from "../core/errors.ts";
import type { AuthSession } from "../core/session.ts";
import type { SessionStatus } from "../core/session_types.ts";
import { CLIError, EXIT } from "./_errors.ts";
import { LineReader } from "./_lines.ts";
import type { IO } from "./_output.ts";

/**
 * Options of {@link manualLogin}.
 * @example
 * ```ts
 * const options: ManualLoginOptions = { timeoutMs: 300_000 };
 * ```
 */
export interface ManualLoginOptions {
  /** Give up after this long (ms). */
  timeoutMs: number;
  /** Where pasted lines come from; default stdin. */
  input?: NodeJS.ReadableStream;
}

function showURL(io: IO, url: string): void {
  io.err("Open this URL in a browser, log in and click Allow:");
  io.err("");
  io.err(`  ${url}`);
  io.err("");
  io.err("Then copy the whole address the browser lands on (it contains ?code=; the page itself may fail to load).");
}

/**
 * Runs the manual flow to completion. Resolves with the new status; throws a CLIError with exit 2
 * when the input ends before a usable paste, or after the timeout.
 *
 * @example
 * ```ts
 * const status = await manualLogin(session, io, { timeoutMs: 300_000 });
 * ```
 */
export async function manualLogin(session: AuthSession, io: IO, options: ManualLoginOptions): Promise<SessionStatus> {
  let { url, state } = await session.authorize();
  showURL(io, url);
  const input = options.input ?? process.stdin;
  const lines = new LineReader(input);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() =>
      reject(
        new CLIError(`no redirect URL was pasted within ${Math.round(options.timeoutMs / 1000)} s`, {
          hint: "run `tdauth login` again (or raise --timeout)",
        }),
      ), options.timeoutMs);
    (timer as { unref?: () => void }).unref?.();
  });
  let lastProblem: string | undefined;
  try {
    for (;;) {
      io.stderr.write("Paste the redirect URL here: ");
      const line = await Promise.race([lines.next(), timedOut]);
      // A terminal echoes the paste and its Enter; a pipe does not, so end the prompt's line here.
      if (!(input as { isTTY?: boolean }).isTTY || line === null) io.err("");
      if (line === null) {
        throw new CLIError(
          lastProblem ? `the last paste was not usable: ${lastProblem}` : "standard input ended before a redirect URL was pasted",
          {
            exitCode: EXIT.USAGE,
            hint: 'paste the whole redirect URL, or pipe it in: echo "$URL" | tdauth login --flow manual',
          },
        );
      }
      if (line.trim() === "") continue;
      const problem = checkPaste(line, state);
      if (problem) {
        lastProblem = problem;
        io.err(`${io.yellow("That did not work:")} ${problem}`);
        continue;
      }
      try {
        return await session.complete(line);
      } catch (error) {
        // The server refused the code (expired after ~30 s at Schwab, or used twice): that login is spent.
        if (
          !(error instanceof TokenRequestError || error instanceof TokenResponseError) || error.status === undefined || error.status >= 500
        ) throw error;
        io.err(`${io.yellow("The server refused that code:")} ${error.message}`);
        io.err("Starting over with a new login.");
        ({ url, state } = await session.authorize());
        showURL(io, url);
        lastProblem = "the server refused the code";
      }
    }
  } finally {
    clearTimeout(timer);
    lines.close();
  }
}

/** What is wrong with a paste, before anything is sent; undefined when it looks usable. */
function checkPaste(line: string, state: string): string | undefined {
  let parsed;
  try {
    parsed = parseCallback(line);
  } catch (error) {
    if (error instanceof AuthorizationError) return error.message;
    throw error;
  }
  // A paste of another login's URL is asked again; complete() reports an error= answer of this one.
  return foreignCallback(parsed, { state });
}

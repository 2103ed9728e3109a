// Turns any error into one `error:` line, an optional `hint:` line and an exit code. Core errors
// never carry secrets (a rule every core error keeps), so their messages are printed as they are.

import { CLIError, EXIT } from "./_errors.ts";
import type { IO } from "./_output.ts";

const HINTS: Record<string, string> = {
  TOKEN_EXPIRED: "run `tdauth login`",
  STORE_ERROR: "move or delete the credentials file, then run `tdauth login`",
  LOCK_TIMEOUT: "another process is refreshing the session; if none is, delete the .lock file beside the credentials file",
  TOKEN_RESPONSE_INVALID: "the server answered with something that is not a token; try again in a minute",
  TOKEN_REQUEST_FAILED: "check the client id, secret and redirect URI, or log in again with `tdauth login`",
};

function networkCause(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EAI_AGAIN|UND_ERR)/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Prints `error` on stderr and returns the exit code it maps to (3 for "log in", 2 for usage).
 * @example
 * ```ts
 * return report(io, error);
 * ```
 */
export function report(io: IO, error: unknown): number {
  let message: string;
  let hint: string | undefined;
  let code: number = EXIT.ERROR;
  const tdCode = (error as { code?: unknown })?.code;
  if (error instanceof CLIError) {
    message = error.message;
    hint = error.hint;
    code = error.exitCode;
  } else if (error instanceof Error && typeof tdCode === "string" && (tdCode in HINTS || tdCode === "AUTHORIZATION_FAILED")) {
    message = error.message;
    hint = HINTS[tdCode as string];
    if (tdCode === "TOKEN_EXPIRED") code = EXIT.LOGIN_NEEDED;
  } else if (networkCause(error)) {
    message = `could not reach the server (${networkCause(error)})`;
    hint = "check the network; for --provider emulator, start it with `tdauth emulator` or set TDAUTH_EMULATOR_URL";
  } else {
    message = error instanceof Error ? error.message : String(error);
  }
  io.err(`${io.red("error:")} ${message.split("\n")[0]}`);
  if (hint) io.err(`${io.dim("hint:")} ${hint}`);
  if (io.env.TDAUTH_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
  return code;
}

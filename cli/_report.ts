// Turns any error into one `error:` line, an optional `hint:` line and an exit code. Core errors
// never carry secrets (a rule every core error keeps), so their messages are printed as they are.

import { isLoopbackHost } from "../core/loopback.ts";
import { DENO_PERMISSIONS, denoRefusal } from "./_deno_permission.ts";
import { CLIError, EXIT } from "./_errors.ts";
import { causes, UnreachableError } from "./_network.ts";
import type { IO } from "./_output.ts";

const HINTS: Record<string, string> = {
  TOKEN_EXPIRED: "run `tdauth login`",
  STORE_ERROR: "move or delete the credentials file, then run `tdauth login`",
  LOCK_TIMEOUT: "another process is refreshing the session; if none is, delete the .lock file beside the credentials file",
  TOKEN_RESPONSE_INVALID: "the server answered with something that is not a token; try again in a minute",
  API_UNAUTHORIZED:
    'add the API products ("Accounts and Trading Production", "Market Data Production") to the app; logging in again does not help',
};

/** What to do about a server that did not answer: start the emulator, or look at the network. */
function unreachableHint(error: UnreachableError): string {
  const { host, hostname } = new URL(error.url);
  if (isLoopbackHost(hostname)) {
    return `nothing answers at ${host}: start the emulator with \`tdauth emulator\`, or set TDAUTH_EMULATOR_URL to where it runs`;
  }
  return "check the network connection (and any proxy, firewall or VPN), then try again; the stored tokens are unchanged";
}

/** The hint of a token request the server refused, or none when it only kept failing. */
function tokenRequestHint(error: Error): string | undefined {
  const { error: code, status } = error as { error?: unknown; status?: unknown };
  // No reply at all: the network (or a proxy) failed, not the app's settings.
  if (status === undefined) return "check the network connection (and any proxy, firewall or VPN), then try again";
  if (code === undefined) return "the server kept failing; try again in a few minutes";
  return "check the client id, secret and redirect URI, or log in again with `tdauth login`";
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
  const unreachable = causes(error).find((e) => e instanceof UnreachableError);
  const refusal = denoRefusal(error);
  if (refusal) {
    message = `Deno needs ${refusal.kind} access to "${refusal.target}": run again with ${refusal.flag}`;
    hint = `everything tdauth may ask for: ${DENO_PERMISSIONS} (or -A)`;
    code = EXIT.USAGE;
  } else if (error instanceof CLIError) {
    message = error.message;
    hint = error.hint;
    code = error.exitCode;
  } else if (unreachable) {
    message = unreachable.message;
    hint = unreachableHint(unreachable);
  } else if (error instanceof Error && tdCode === "TOKEN_REQUEST_FAILED") {
    message = error.message;
    hint = tokenRequestHint(error);
  } else if (error instanceof Error && typeof tdCode === "string" && (tdCode in HINTS || tdCode === "AUTHORIZATION_FAILED")) {
    message = error.message;
    hint = HINTS[tdCode as string];
    if (tdCode === "TOKEN_EXPIRED") code = EXIT.LOGIN_NEEDED;
  } else {
    message = error instanceof Error ? error.message : String(error);
  }
  io.err(`${io.red("error:")} ${message.split("\n")[0]}`);
  if (hint) io.err(`${io.dim("hint:")} ${hint}`);
  if (debugging(io) && error instanceof Error && error.stack) io.err(error.stack);
  return code;
}

/** TDAUTH_DEBUG, read so that Deno without --allow-env cannot make the report itself fail. */
function debugging(io: IO): boolean {
  try {
    return Boolean(io.env.TDAUTH_DEBUG);
  } catch {
    return false;
  }
}

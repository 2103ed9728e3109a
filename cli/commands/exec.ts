// `tdauth exec [--env NAME] -- COMMAND [ARGS]`: runs a program with a valid access token in its
// environment, so a program in any language gets one without a library. Exit codes follow env(1)
// and timeout(1): the program's own, 128+n when a signal ended it, 125 when tdauth could not give
// a token (or was called wrongly), 126 when the program cannot run, 127 when it is not found.

import { spawn } from "node:child_process";
import { constants } from "node:os";
import { parseFlags, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from "../_args.ts";
import { resolveSettings } from "../_config.ts";
import { CLIError, usageError } from "../_errors.ts";
import type { IO } from "../_output.ts";
import { report } from "../_report.ts";
import { validToken } from "../_valid_token.ts";

/** What `tdauth exec` exits with when it ran nothing: its own failure, never a code the program could have given. */
const EXEC_FAILED = 125;
const CANNOT_RUN = 126;
const NOT_FOUND = 127;
const DEFAULT_ENV = "TDAUTH_ACCESS_TOKEN";
/** A token handed to a program has at least this long left (the session's refreshAheadMs): see the help. */
const MIN_LIFE_MS = 300_000;
/** Signals sent to tdauth that are passed on; SIGINT (Ctrl-C) already reaches the whole foreground group. */
const FORWARDED = ["SIGTERM", "SIGHUP"] as const;

/**
 * The text of `tdauth exec --help`.
 * @example
 * ```ts
 * console.log(help);
 * ```
 */
export const help: string = `Usage: tdauth exec [--env NAME] [session options] -- COMMAND [ARGS...]

Runs COMMAND with a valid access token in its environment, so a program in any language gets
one without a library: ${DEFAULT_ENV} (or NAME) holds the token and ${DEFAULT_ENV}_EXPIRES_AT
(NAME_EXPIRES_AT) when it dies, in whole seconds since 1970. The token is refreshed first when
it has less than 5 minutes left (other processes sharing the credentials file wait on its lock
and reuse the result), so the program gets at least 5 minutes and at most the token's full life
(30 minutes at Schwab). A program that runs longer runs \`tdauth token\` again for a fresh one
before then. The token is never printed; stdin, stdout and stderr are the program's. SIGTERM and
SIGHUP sent to tdauth are passed on to the program; Ctrl-C reaches it from the terminal.

  --env NAME   the variable that holds the token (letters, digits, _; default ${DEFAULT_ENV})

Exit: the program's exit code; 128+n when signal n ended it; ${EXEC_FAILED} when tdauth could not give a
token (not logged in, network, usage: the message says which); ${CANNOT_RUN} when COMMAND cannot be run;
${NOT_FOUND} when it is not found.

Example:
  tdauth exec -- python3 bot.py
  tdauth exec --env SCHWAB_TOKEN -- sh -c 'curl -H "Authorization: Bearer $SCHWAB_TOKEN" https://api.schwabapi.com/trader/v1/accounts'

${SESSION_OPTIONS_HELP}`;

/**
 * Runs `tdauth exec`: resolves with the program's exit code (or tdauth's own, see {@link help}).
 * @example
 * ```ts
 * const code = await run(["--", "python3", "bot.py"], terminal());
 * ```
 */
export async function run(args: string[], io: IO): Promise<number> {
  let command: string[];
  let variable: string;
  let token: string;
  let expiresAt: number | undefined;
  try {
    const end = args.indexOf("--");
    // Without "--" a program's own flags could not be told from tdauth's.
    if (end < 0) throw usageError("tdauth exec: no command: put it after --", "tdauth exec -- python3 bot.py");
    command = args.slice(end + 1);
    const { values } = parseFlags("exec", args.slice(0, end), { ...SESSION_OPTIONS, env: { type: "string" } });
    if (command.length === 0) throw usageError("tdauth exec: no command after --", "tdauth exec -- python3 bot.py");
    variable = (values.env as string | undefined) ?? DEFAULT_ENV;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
      throw usageError(
        `tdauth exec: --env ${JSON.stringify(variable)} is not a variable name`,
        "use letters, digits and _, e.g. --env SCHWAB_TOKEN",
      );
    }
    ({ token, expiresAt } = await validToken(resolveSettings(values, io.env), io, { minLifeMs: MIN_LIFE_MS }));
  } catch (error) {
    // The program's codes are its own: every failure of tdauth's is one code that no exit of the
    // program is mistaken for (the message says which it was).
    report(io, error);
    return EXEC_FAILED;
  }
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(io.env)) if (value !== undefined) env[name] = value;
  env[variable] = token;
  if (expiresAt !== undefined) env[`${variable}_EXPIRES_AT`] = String(Math.floor(expiresAt / 1000));
  return await runProgram(command, env, io);
}

/** Spawns the program with the terminal's stdio, passes on signals, and resolves with the exit code to give. */
function runProgram(command: string[], env: Record<string, string>, io: IO): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: "inherit", env });
    const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
    // While the program runs, Ctrl-C must not end tdauth first: the program decides, and tdauth reports how it ended.
    const ignore = (): void => {};
    for (const signal of FORWARDED) process.on(signal, forward);
    process.on("SIGINT", ignore);
    let ended = false;
    const done = (code: number): void => {
      if (ended) return;
      ended = true;
      for (const signal of FORWARDED) process.off(signal, forward);
      process.off("SIGINT", ignore);
      resolve(code);
    };
    child.on("error", (error: NodeJS.ErrnoException) => {
      const missing = error.code === "ENOENT";
      report(
        io,
        new CLIError(`tdauth exec: ${missing ? "command not found" : "cannot run"}: ${command[0]} (${error.code ?? error.message})`, {
          hint: missing ? "check the name and PATH" : "check that it is a program this user may run",
        }),
      );
      done(missing ? NOT_FOUND : CANNOT_RUN);
    });
    child.on("exit", (code, signal) => {
      done(signal !== null ? 128 + (constants.signals[signal] ?? 0) : code ?? EXEC_FAILED);
    });
  });
}

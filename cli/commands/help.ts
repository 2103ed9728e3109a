// `tdauth help [command]`: the command list, the JSON shapes and the exit codes.

import { SESSION_OPTIONS_HELP } from "../_args.ts";
import { COMMANDS } from "../_commands.ts";
import { EXIT, usageError } from "../_errors.ts";
import type { IO } from "../_output.ts";
import { VERSION } from "../_version.ts";

/**
 * The text of `tdauth help --help`.
 * @example
 * ```ts
 * console.log(help);
 * ```
 */
export const help: string =
  "Usage: tdauth help [command]\n\nShows the overview, or the full help of one command (same as `tdauth <command> --help`).";

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  const commands = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}${summary}`).join("\n");
  return `tdauth ${VERSION}: OAuth tokens for the TD Ameritrade / Charles Schwab APIs.

Usage: tdauth <command> [options]      tdauth <command> --help      tdauth --version

Commands:
${commands}

${SESSION_OPTIONS_HELP}
  TDAUTH_HOME                     folder of td_state.json and tdauth.json (default ~/.td_python_api)
  NO_COLOR                        no colour; output is plain whenever it is not a terminal

tdauth.json (in TDAUTH_HOME): {"provider", "clientId", "clientSecret", "redirectURI",
  "credentials", "emulatorURL", "flow", "timeout"}; flags and variables win over it.

Output: results go to stdout, prompts, progress, warnings and errors to stderr. An error is one
"error: ..." line, usually followed by one "hint: ..." line.

--json shapes (stable; times are ISO 8601 UTC strings or null):
  status, refresh, login  {state, provider, clientId, credentials, accessExpiresAt,
                           refreshExpiresAt, authorizedAt, reason, reloginDue, reloginBy,
                           refreshExpiresSoon (deprecated: reloginDue)}
  check                   {state, ok, reloginDue, reloginBy, reason, verified, notified}
  token                   {accessToken, tokenType, expiresAt}
  logout                  {state: "unauthenticated", credentials}
  emulator                {url, port, autoApprove, apps: [{flavour, clientId, clientSecret,
                           redirectURIs}]} (one line; the emulator's own, public secrets)

Exit codes:
  ${EXIT.OK}  ok
  ${EXIT.ERROR}  error (network, server refused, unreadable credentials file, lock timeout)
  ${EXIT.USAGE}  usage (unknown command or flag, bad value, missing setting, no usable pasted URL)
  ${EXIT.LOGIN_NEEDED}  login needed: not logged in, or the session expired (run \`tdauth login\`);
     \`check\` and \`login --if-needed\`: also a login due within the window
  exec exits with the program's code (128+n for signal n); 125 when tdauth could not give a
  token, 126 when the program cannot run, 127 when it is not found

Examples:
  tdauth login                                  # browser; --flow manual over SSH
  curl -H "Authorization: Bearer $(tdauth token)" https://api.schwabapi.com/trader/v1/accounts
  tdauth status --json | jq .refreshExpiresAt
  tdauth exec -- python3 bot.py                 # bot.py reads os.environ["TDAUTH_ACCESS_TOKEN"]
  tdauth check --notify https://ntfy.sh/<topic>  # in cron: a reminder before the weekly re-login
  tdauth demo                                   # try everything offline`;
}

/**
 * Runs `tdauth help`.
 * @example
 * ```ts
 * const code = await run(["login"], terminal());
 * ```
 */
export async function run(args: string[], io: IO): Promise<number> {
  const [name, ...extra] = args;
  if (extra.length > 0) throw usageError(`tdauth help: unexpected argument "${extra[0]}"`, "run `tdauth help <command>`");
  if (name === undefined) {
    io.out(overview());
    return EXIT.OK;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) throw usageError(`tdauth help: unknown command "${name}"`, "run `tdauth help` for the commands");
  io.out((await entry.load()).help);
  return EXIT.OK;
}

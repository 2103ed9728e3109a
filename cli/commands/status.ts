// `tdauth status`: what the credentials file holds, without showing a token. Exit 3 when a login is needed.

import { parseFlags, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from "../_args.ts";
import { openSession, resolveSettings } from "../_config.ts";
import { EXIT } from "../_errors.ts";
import { type IO, printJSON } from "../_output.ts";
import { printStatus, statusJSON } from "../_status_view.ts";

/**
 * The text of `tdauth status --help`.
 * @example
 * ```ts
 * console.log(help);
 * ```
 */
export const help: string = `Usage: tdauth status [--json] [session options]

Shows the state (authenticated, expired, unauthenticated), the provider, the masked client id,
when the access and refresh tokens expire (local time and relative) and when you logged in.
Warns on stderr when the refresh token dies within 48 hours. Makes no network request.

  --json   print {state, provider, clientId, credentials, accessExpiresAt, refreshExpiresAt,
           authorizedAt, reason, refreshExpiresSoon} (times ISO 8601 UTC or null)

Exit: 0 authenticated, 3 login needed (unauthenticated or expired), 1 error, 2 usage.

${SESSION_OPTIONS_HELP}`;

/**
 * Runs `tdauth status`.
 * @example
 * ```ts
 * const code = await run(["--json"], terminal());
 * ```
 */
export async function run(args: string[], io: IO): Promise<number> {
  const { values } = parseFlags("status", args, { ...SESSION_OPTIONS, json: { type: "boolean" } });
  const settings = resolveSettings(values, io.env);
  const session = await openSession(settings, io, { lenient: true });
  const status = await session.status();
  if (values.json) printJSON(io, statusJSON(status, settings.credentialsPath));
  else printStatus(io, status, settings.credentialsPath);
  return status.state === "authenticated" ? EXIT.OK : EXIT.LOGIN_NEEDED;
}

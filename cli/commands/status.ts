// `tdauth status`: what the credentials file holds, without showing a token. Exit 3 when a login is needed.

import { parseFlags, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from "../_args.ts";
import { openCLISession, resolveSettings } from "../_config.ts";
import { EXIT } from "../_errors.ts";
import { type IO, printJSON } from "../_output.ts";
import { loginPlace, printStatus, statusJSON } from "../_status_view.ts";
import { statusAll } from "../_status_all.ts";

/**
 * The text of `tdauth status --help`.
 * @example
 * ```ts
 * console.log(help);
 * ```
 */
export const help: string = `Usage: tdauth status [--all] [--json] [session options]

Shows the state (authenticated, expired, unauthenticated), the provider, the masked client id,
when the access and refresh tokens expire (local time and relative), and when and where you
logged in. Warns on stderr when a re-login is due (the refresh token dies within 48 hours), with
the time in US Eastern. Makes no network request. For cron and monitoring, see \`tdauth check\`.

  --json   print {state, provider, clientId, credentials, accessExpiresAt, refreshExpiresAt,
           authorizedAt, reason, reloginDue, reloginBy, refreshExpiresSoon} (times ISO 8601 UTC
           or null; clientId null when none is configured or stored; refreshExpiresSoon is the
           deprecated name of reloginDue)
  --all    one line for the default session and one for each profile in
           $TDAUTH_HOME/profiles/ (with --json: a list of those objects, each with
           "profile": its name, or null for the default; one that cannot be read has
           {profile, credentials, error} instead); exit 0 when all are authenticated,
           3 when any needs a login, 1 when any cannot be read

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
  const { values } = parseFlags("status", args, { ...SESSION_OPTIONS, json: { type: "boolean" }, all: { type: "boolean" } });
  if (values.all) return await statusAll(values, io);
  const { session, settings } = await openCLISession(resolveSettings(values, io.env), io, { lenient: true });
  const status = await session.status();
  const view = {
    credentials: settings.credentialsPath,
    clientIdSet: settings.clientId !== undefined || settings.provider === "emulator",
    loginPlace: loginPlace(await session.tokens()),
  };
  if (values.json) printJSON(io, statusJSON(status, view));
  else printStatus(io, status, view);
  return status.state === "authenticated" ? EXIT.OK : EXIT.LOGIN_NEEDED;
}

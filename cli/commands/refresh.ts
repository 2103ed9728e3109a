// `tdauth refresh`: refreshes the access token now (under the lock), e.g. after the server revoked it.

import { parseFlags, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from "../_args.ts";
import { openSession, resolveSettings } from "../_config.ts";
import { EXIT } from "../_errors.ts";
import { type IO, printJSON, when } from "../_output.ts";
import { statusJSON, warnIfEndingSoon } from "../_status_view.ts";

/**
 * The text of `tdauth refresh --help`.
 * @example
 * ```ts
 * console.log(help);
 * ```
 */
export const help: string = `Usage: tdauth refresh [--new-refresh-token] [--json] [session options]

Asks the server for a new access token now, even if the current one is still valid.

  --new-refresh-token   also renew the refresh token (TD Ameritrade's access_type=offline;
                        Schwab cannot: its refresh token dies 7 days after the login)
  --json                print the status afterwards (the \`tdauth status --json\` shape)

Exit: 0 ok, 3 login needed, 1 error, 2 usage.

${SESSION_OPTIONS_HELP}`;

/**
 * Runs `tdauth refresh`.
 * @example
 * ```ts
 * const code = await run(["--json"], terminal());
 * ```
 */
export async function run(args: string[], io: IO): Promise<number> {
  const { values } = parseFlags("refresh", args, {
    ...SESSION_OPTIONS,
    json: { type: "boolean" },
    "new-refresh-token": { type: "boolean" },
  });
  const settings = resolveSettings(values, io.env);
  const session = await openSession(settings, io);
  const status = await session.refresh({ force: true, newRefreshToken: values["new-refresh-token"] === true });
  if (values.json) {
    printJSON(io, statusJSON(status, { credentials: settings.credentialsPath }));
  } else {
    io.out(`${io.green("Refreshed.")} The access token expires ${when(status.accessExpiresAt)}.`);
    if (status.refreshExpiresAt !== undefined) io.out(`The refresh token expires ${when(status.refreshExpiresAt)}.`);
  }
  warnIfEndingSoon(io, status);
  return EXIT.OK;
}

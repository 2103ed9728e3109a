// `tdauth logout`: deletes the stored tokens (under the lock, so no refresh writes them back).

import { parseFlags, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from "../_args.ts";
import { openSession, resolveSettings } from "../_config.ts";
import { EXIT } from "../_errors.ts";
import { type IO, printJSON } from "../_output.ts";

/**
 * The text of `tdauth logout --help`.
 * @example
 * ```ts
 * console.log(help);
 * ```
 */
export const help: string = `Usage: tdauth logout [--json] [session options]

Deletes the tokens from the credentials file. The server-side grant is not revoked (neither TD
Ameritrade nor Schwab offers a revocation endpoint); it dies with the refresh token.

  --json   print {state: "unauthenticated", credentials}

Exit: 0 ok (also when nobody was logged in), 1 error, 2 usage.

${SESSION_OPTIONS_HELP}`;

/**
 * Runs `tdauth logout`.
 * @example
 * ```ts
 * const code = await run([], terminal());
 * ```
 */
export async function run(args: string[], io: IO): Promise<number> {
  const { values } = parseFlags("logout", args, { ...SESSION_OPTIONS, json: { type: "boolean" } });
  const settings = resolveSettings(values, io.env);
  const session = await openSession(settings, io, { lenient: true });
  await session.logout();
  if (values.json) printJSON(io, { state: "unauthenticated", credentials: settings.credentialsPath });
  else io.out(`Logged out: removed the tokens from ${settings.credentialsPath}.`);
  return EXIT.OK;
}

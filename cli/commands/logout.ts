// `tdauth logout`: deletes the stored tokens (under the lock, so no refresh writes them back).

import { stat } from "node:fs/promises";
import { parseFlags, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from "../_args.ts";
import { openSession, printSettingsWarnings, resolveSettings } from "../_config.ts";
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

Deletes the tokens from the credentials file (through a symbolic link, the file it points to).
The server-side grant is not revoked (neither TD Ameritrade nor Schwab offers a revocation
endpoint); it dies with the refresh token. Without a credentials file there is nothing to do:
nothing is created.

  --json   print {state: "unauthenticated", credentials, removed}

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
  const path = settings.credentialsPath;
  // Checked before the lock is taken: taking it would create the folder for its lock file. Any
  // other failure to look is left to the store, which explains it.
  const removed = await stat(path).then(() => true, (error: { code?: string }) => error.code !== "ENOENT" && error.code !== "ENOTDIR");
  if (removed) await (await openSession(settings, io, { lenient: true })).logout();
  else printSettingsWarnings(settings, io);
  if (values.json) printJSON(io, { state: "unauthenticated", credentials: path, removed });
  else if (removed) io.out(`Logged out: removed the tokens from ${path}.`);
  else io.out(`Nothing to remove: there is no credentials file at ${path}.`);
  return EXIT.OK;
}

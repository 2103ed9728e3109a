// `tdauth token`: prints only a valid access token, refreshing it under the lock if needed, for
// `curl -H "Authorization: Bearer $(tdauth token)"`. The hot path: core + file store/lock only.

import { parseFlags, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from "../_args.ts";
import { openSession, resolveSettings } from "../_config.ts";
import { CLIError, EXIT } from "../_errors.ts";
import { type IO, iso, printJSON } from "../_output.ts";
import { usableWithoutRefresh } from "../../core/freshness.ts";

/**
 * The text of `tdauth token --help`.
 * @example
 * ```ts
 * console.log(help);
 * ```
 */
export const help: string = `Usage: tdauth token [--json] [session options]

Prints a valid access token and nothing else (refreshing it first when it is within 5 minutes
of expiring; other processes sharing the credentials file wait on its lock and reuse the result).
The token is the only secret tdauth ever prints, and only here.

  --json   print {accessToken, tokenType, expiresAt} (expiresAt ISO 8601 UTC)

Exit: 0 ok, 3 login needed, 1 error (e.g. network), 2 usage.

${SESSION_OPTIONS_HELP}`;

/**
 * Runs `tdauth token`.
 * @example
 * ```ts
 * const code = await run([], terminal());
 * ```
 */
export async function run(args: string[], io: IO): Promise<number> {
  const { values } = parseFlags("token", args, { ...SESSION_OPTIONS, json: { type: "boolean" } });
  const settings = resolveSettings(values, io.env);
  let session;
  let token: string | undefined;
  try {
    session = await openSession(settings, io);
  } catch (error) {
    // Without the app's settings a stored token can still be handed out while it lives; a
    // refresh with made-up credentials would be refused and end the session, so none is tried.
    if (!(error instanceof CLIError) || error.exitCode !== EXIT.USAGE) throw error;
    session = await openSession(settings, io, { lenient: true });
    const stored = await session.tokens();
    // Nothing stored, or a session the server ended: a login is what is missing, not the settings.
    if (stored === null || stored.expired) {
      throw new CLIError(
        stored === null ? `not logged in: no tokens in ${settings.credentialsPath}` : `the session expired (${stored.expired!.reason})`,
        { exitCode: EXIT.LOGIN_NEEDED, hint: "run `tdauth login`" },
      );
    }
    if (!usableWithoutRefresh(stored, Date.now())) {
      throw new CLIError(`the access token needs a refresh, and ${error.message}`, {
        exitCode: EXIT.USAGE,
        ...(error.hint ? { hint: error.hint } : {}),
      });
    }
    token = stored.accessToken;
  }
  // refresh() reads the store and returns at once while the token is fresh (no lock file, the
  // common case in scripts); when it is due, it waits for the refresh, which a background one
  // started by accessToken() would not get before this process exits.
  if (token === undefined) {
    await session.refresh();
    token = await session.accessToken();
  }
  if (values.json) {
    const tokens = await session.tokens();
    printJSON(io, { accessToken: token, tokenType: tokens?.tokenType ?? "Bearer", expiresAt: iso(tokens?.accessExpiresAt) });
  } else {
    io.out(token);
  }
  return EXIT.OK;
}

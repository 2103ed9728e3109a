// `tdauth token`: prints only a valid access token, refreshing it under the lock if needed, for
// `curl -H "Authorization: Bearer $(tdauth token)"`. The hot path: core + file store/lock only.

import { parseFlags, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from "../_args.ts";
import { resolveSettings } from "../_config.ts";
import { EXIT } from "../_errors.ts";
import { type IO, iso, printJSON } from "../_output.ts";
import { validToken } from "../_valid_token.ts";

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
  const { token, expiresAt, session } = await validToken(resolveSettings(values, io.env), io);
  if (values.json) {
    const tokens = await session.tokens();
    printJSON(io, { accessToken: token, tokenType: tokens?.tokenType ?? "Bearer", expiresAt: iso(expiresAt) });
  } else {
    io.out(token);
  }
  return EXIT.OK;
}

// The access token `tdauth token` prints and `tdauth exec` hands to a program: refreshed first
// when it is due, and without the app's settings the stored one while it has life enough.

import { openSession, type Settings } from "./_config.ts";
import { CLIError, EXIT } from "./_errors.ts";
import type { IO } from "./_output.ts";
import { MUST_REFRESH_MS, usableWithoutRefresh } from "../core/freshness.ts";
import type { AuthSession } from "../core/session.ts";

/**
 * A token handed out, with when it dies (epoch ms) and the session it came from.
 * @example
 * ```ts
 * const { token, expiresAt } = await validToken(settings, io);
 * ```
 */
export interface ValidToken {
  token: string;
  expiresAt: number | undefined;
  session: AuthSession;
}

/**
 * A valid access token for `settings`. With the app's settings, `session.refresh()` semantics: a
 * token within `refreshAheadMs` (5 minutes, at most half its life) of its end is refreshed first,
 * under the credentials file's lock, so it has at least that long left. Without them (no client
 * id or secret configured) the stored token is handed out as it is when it has more than
 * `minLifeMs` left (default one minute); a refresh with made-up credentials would be refused and
 * end the session, so none is tried.
 *
 * @example
 * ```ts
 * const { token } = await validToken(resolveSettings(values, io.env), io);
 * ```
 */
export async function validToken(settings: Settings, io: IO, options: { minLifeMs?: number } = {}): Promise<ValidToken> {
  let session: AuthSession;
  try {
    session = await openSession(settings, io);
  } catch (error) {
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
    const now = Date.now();
    if (!usableWithoutRefresh(stored, now) || stored.accessExpiresAt - now <= (options.minLifeMs ?? MUST_REFRESH_MS)) {
      throw new CLIError(`the access token needs a refresh, and ${error.message}`, {
        exitCode: EXIT.USAGE,
        ...(error.hint ? { hint: error.hint } : {}),
      });
    }
    return { token: stored.accessToken, expiresAt: stored.accessExpiresAt, session };
  }
  // refresh() reads the store and returns at once while the token is fresh (no lock file, the
  // common case in scripts); when it is due, it waits for the refresh, which a background one
  // started by accessToken() would not get before this process exits.
  const status = await session.refresh();
  return { token: await session.accessToken(), expiresAt: status.accessExpiresAt, session };
}

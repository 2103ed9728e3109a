// What `tdauth login` checks before it starts: with --if-needed, whether a login is needed at all;
// otherwise whether it is about to replace a live Schwab session that other programs may use.

import { bothZones } from "../adapters/_shared/relogin_notice.ts";
import type { AuthSession } from "../core/session.ts";
import { durationText } from "./_duration.ts";
import { EXIT } from "./_errors.ts";
import { type IO, printJSON, when } from "./_output.ts";
import { loginPlace, statusJSON } from "./_status_view.ts";

/**
 * Options of {@link beforeLogin}.
 * @example
 * ```ts
 * const options: BeforeLoginOptions = { ifNeeded: true, withinMs: 172_800_000, credentials: path };
 * ```
 */
export interface BeforeLoginOptions {
  ifNeeded: boolean;
  /** The session's reloginWarnMs: a login is due within this long of the refresh token's death. */
  withinMs: number;
  credentials: string;
  json?: boolean;
}

/**
 * Returns an exit code when no login is needed (`--if-needed` and the session is good beyond the
 * window: one line, exit 0); otherwise undefined, after warning on stderr when the login will
 * replace a live Schwab session (Schwab keeps one session per user).
 * @example
 * ```ts
 * const done = await beforeLogin(session, io, { ifNeeded: false, withinMs, credentials });
 * if (done !== undefined) return done;
 * ```
 */
export async function beforeLogin(session: AuthSession, io: IO, options: BeforeLoginOptions): Promise<number | undefined> {
  const status = await session.status();
  if (status.state !== "authenticated") return undefined;
  const { name, id } = session.provider;
  if (options.ifNeeded && !status.reloginDue) {
    if (options.json) printJSON(io, statusJSON(status, { credentials: options.credentials }));
    else {
      const until = status.reloginBy === undefined ? "" : ` until ${bothZones(status.reloginBy, Date.now())}`;
      io.out(`${io.green("✓")} Logged in to ${name}${until}: no login needed (none due within ${durationText(options.withinMs)}).`);
    }
    return EXIT.OK;
  }
  if (id === "schwab") {
    const place = loginPlace(await session.tokens());
    io.err(
      `${io.yellow("warning:")} this login replaces the live ${name} session made ${when(status.authorizedAt)}${
        place ? ` on ${place}` : ""
      }: Schwab keeps one session per user, so every program still using it (here or on another machine) must then read the new tokens`,
    );
  }
  return undefined;
}

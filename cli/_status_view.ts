// The status report shared by `status`, `refresh` and `login`: text for people, JSON for scripts.

import type { SessionStatus } from "../core/session_types.ts";
import { type IO, iso, when } from "./_output.ts";

/**
 * The stable `--json` shape of a status (times are ISO 8601 UTC, or null).
 * @example
 * ```ts
 * const json: StatusJSON = statusJSON(await session.status(), { credentials: path });
 * ```
 */
export interface StatusJSON {
  state: SessionStatus["state"];
  provider: string;
  /** Masked; null when no client id is configured or stored. */
  clientId: string | null;
  credentials: string;
  accessExpiresAt: string | null;
  refreshExpiresAt: string | null;
  authorizedAt: string | null;
  reason: string | null;
  refreshExpiresSoon: boolean;
}

/**
 * How a status is shown: where the tokens are, and whether a client id is known at all (`status`
 * runs without one, and then the session's placeholder must not pass for an id).
 * @example
 * ```ts
 * const view: StatusView = { credentials: settings.credentialsPath, clientIdSet: settings.clientId !== undefined };
 * ```
 */
export interface StatusView {
  credentials: string;
  /** Default true. */
  clientIdSet?: boolean;
}

/**
 * The JSON form of a status.
 * @example
 * ```ts
 * printJSON(io, statusJSON(status, { credentials: settings.credentialsPath }));
 * ```
 */
export function statusJSON(status: SessionStatus, view: StatusView): StatusJSON {
  return {
    state: status.state,
    provider: status.provider,
    clientId: view.clientIdSet === false ? null : status.clientId,
    credentials: view.credentials,
    accessExpiresAt: iso(status.accessExpiresAt),
    refreshExpiresAt: iso(status.refreshExpiresAt),
    authorizedAt: iso(status.authorizedAt),
    reason: status.reason ?? null,
    refreshExpiresSoon: status.refreshExpiresSoon,
  };
}

/**
 * Prints the status as aligned lines, with the 48-hour warning on stderr.
 * @example
 * ```ts
 * printStatus(io, await session.status(), { credentials: settings.credentialsPath });
 * ```
 */
export function printStatus(io: IO, status: SessionStatus, view: StatusView, now: number = Date.now()): void {
  const state = status.state === "authenticated" ? io.green(status.state) : io.yellow(status.state);
  const rows: Array<[string, string]> = [
    ["state", state],
    ["provider", status.provider],
    ["client id", view.clientIdSet === false ? "not set" : status.clientId],
    ["credentials", view.credentials],
  ];
  // In an expired session a token's time left means nothing: the server has ended the grant.
  const expiry = (at: number): string =>
    at <= now ? `expired ${when(at, now)}` : status.state === "expired" ? "unusable: the session expired" : `expires ${when(at, now)}`;
  if (status.accessExpiresAt !== undefined) rows.push(["access token", expiry(status.accessExpiresAt)]);
  if (status.refreshExpiresAt !== undefined) rows.push(["refresh token", expiry(status.refreshExpiresAt)]);
  if (status.authorizedAt !== undefined) rows.push(["logged in", when(status.authorizedAt, now)]);
  if (status.reason) rows.push(["reason", status.reason]);
  for (const [label, value] of rows) io.out(`${`${label}:`.padEnd(15)}${value}`);
  warnIfEndingSoon(io, status, now);
  if (status.state === "unauthenticated" || status.state === "expired") io.err(`${io.dim("hint:")} run \`tdauth login\``);
}

/**
 * The 48-hour warning (Schwab's refresh tokens die 7 days after the login, whatever happens).
 * @example
 * ```ts
 * warnIfEndingSoon(io, status);
 * ```
 */
export function warnIfEndingSoon(io: IO, status: SessionStatus, now: number = Date.now()): void {
  if (!status.refreshExpiresSoon || status.refreshExpiresAt === undefined) return;
  io.err(`${io.yellow("warning:")} the refresh token dies ${when(status.refreshExpiresAt, now)}: run \`tdauth login\` before then`);
}

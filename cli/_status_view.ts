// The status report shared by `status`, `refresh` and `login`: text for people, JSON for scripts.

import { bothZones } from "../adapters/_shared/relogin_notice.ts";
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
  /** A login is due: the refresh token dies within the warning window (48 h unless `--within` says). */
  reloginDue: boolean;
  /** When a login is needed at the latest (the refresh token's expected death), or null. */
  reloginBy: string | null;
  /** @deprecated The former name of `reloginDue`, kept for scripts that read it. */
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
  /** Where the login was made, from the credentials record ("desk, tdauth 0.2.0"). */
  loginPlace?: string | undefined;
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
    reloginDue: status.reloginDue,
    reloginBy: iso(status.reloginBy),
    refreshExpiresSoon: status.reloginDue,
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
  if (status.authorizedAt !== undefined) {
    rows.push(["logged in", `${when(status.authorizedAt, now)}${view.loginPlace ? ` on ${view.loginPlace}` : ""}`]);
  }
  if (status.reason) rows.push(["reason", status.reason]);
  for (const [label, value] of rows) io.out(`${`${label}:`.padEnd(15)}${value}`);
  warnIfEndingSoon(io, status, now);
  if (status.state === "unauthenticated" || status.state === "expired") io.err(`${io.dim("hint:")} run \`tdauth login\``);
}

/**
 * The warning that a re-login is due (Schwab's refresh tokens die 7 days after the login,
 * whatever happens), in US Eastern and local time.
 * @example
 * ```ts
 * warnIfEndingSoon(io, status);
 * ```
 */
export function warnIfEndingSoon(io: IO, status: SessionStatus, now: number = Date.now()): void {
  if (!status.reloginDue || status.reloginBy === undefined) return;
  io.err(`${io.yellow("warning:")} the refresh token dies ${bothZones(status.reloginBy, now)}: run \`tdauth login\` before then`);
}

/**
 * Where a record's login was made, in a few words: "desk, tdauth 0.2.0"; undefined when unknown.
 * @example
 * ```ts
 * loginPlace(await session.tokens());
 * ```
 */
export function loginPlace(tokens: { loginHost?: string; loginTool?: string } | null | undefined): string | undefined {
  const parts = [tokens?.loginHost, tokens?.loginTool].filter(Boolean);
  return parts.length ? parts.join(", ") : undefined;
}

// `tdauth status --all`: the default session and every profile's, one line (or JSON object) each.

import { tdauthHome } from "../adapters/file/_home.ts";
import type { SessionStatus } from "../core/session_types.ts";
import { openCLISession, resolveSettings } from "./_config.ts";
import { EXIT, usageError } from "./_errors.ts";
import { type IO, printJSON, relativeTime } from "./_output.ts";
import { listProfiles } from "./_profiles.ts";
import { type StatusJSON, statusJSON } from "./_status_view.ts";

/**
 * One session of `tdauth status --all --json`: its profile (null for the default) and its status
 * in the `tdauth status --json` shape, or, when it could not be read, its credentials file and
 * the error.
 * @example
 * ```ts
 * const row: ProfileStatusJSON = { profile: "paper", credentials: "/home/me/.td_python_api/profiles/paper/td_state.json", error: "…" };
 * ```
 */
export type ProfileStatusJSON = ({ profile: string | null } & StatusJSON) | {
  profile: string | null;
  credentials: string;
  error: string;
};

interface Row {
  profile: string | null;
  credentials: string;
  status?: SessionStatus;
  clientIdSet?: boolean;
  error?: unknown;
}

/**
 * Reads every session's status: the default's, then each profile's in name order. Exit 0 when all
 * are authenticated, 3 when any needs a login, 1 when any could not be read.
 *
 * @example
 * ```ts
 * return await statusAll(values, io);
 * ```
 */
export async function statusAll(values: Record<string, string | boolean | string[] | undefined>, io: IO): Promise<number> {
  const hint = "--all reads each profile's own credentials file";
  if (values.profile !== undefined) throw usageError("tdauth status: --all and --profile cannot be combined", hint);
  if (values.credentials !== undefined) throw usageError("tdauth status: --all and --credentials cannot be combined", hint);
  if (io.env.TDAUTH_CREDENTIALS?.trim()) throw usageError("tdauth status --all: TDAUTH_CREDENTIALS is set", `unset it: ${hint}`);
  // TDAUTH_PROFILE chooses one session; --all shows them all.
  const env = { ...io.env, TDAUTH_PROFILE: undefined };
  const rows: Row[] = [];
  for (const profile of [null, ...listProfiles(tdauthHome(env))]) {
    const settings = resolveSettings({ ...values, all: undefined, json: undefined, ...(profile === null ? {} : { profile }) }, env);
    const row: Row = { profile, credentials: settings.credentialsPath };
    try {
      const opened = await openCLISession(settings, { ...io, env }, { lenient: true });
      row.status = await opened.session.status();
      row.clientIdSet = opened.settings.clientId !== undefined || opened.settings.provider === "emulator";
    } catch (error) {
      row.error = error;
    }
    rows.push(row);
  }
  if (values.json) printJSON(io, rows.map(rowJSON));
  else printRows(io, rows);
  if (rows.some((row) => row.error !== undefined)) return EXIT.ERROR;
  return rows.every((row) => row.status!.state === "authenticated") ? EXIT.OK : EXIT.LOGIN_NEEDED;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split("\n")[0]!;

function rowJSON(row: Row): ProfileStatusJSON {
  if (row.status === undefined) return { profile: row.profile, credentials: row.credentials, error: message(row.error) };
  return { profile: row.profile, ...statusJSON(row.status, { credentials: row.credentials, clientIdSet: row.clientIdSet! }) };
}

function printRows(io: IO, rows: Row[], now: number = Date.now()): void {
  const expiry = (at: number | undefined): string =>
    at === undefined ? "-" : at <= now ? `expired ${relativeTime(at, now)}` : `expires ${relativeTime(at, now)}`;
  const table = [["profile", "state", "provider", "client id", "access token", "refresh token", "credentials"]];
  for (const row of rows) {
    const name = row.profile ?? "(default)";
    const s = row.status;
    table.push(
      s === undefined ? [name, "unreadable", "-", "-", "-", "-", row.credentials] : [
        name,
        s.state,
        s.state === "unauthenticated" ? "-" : s.provider,
        row.clientIdSet === false ? "not set" : s.clientId,
        expiry(s.accessExpiresAt),
        expiry(s.refreshExpiresAt),
        row.credentials,
      ],
    );
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((cells) => cells[i]!.length)));
  for (const cells of table) {
    io.out(cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]! + 2))).join("").trimEnd());
  }
  for (const row of rows) {
    const where = row.profile === null ? "the default session" : `profile "${row.profile}"`;
    const login = row.profile === null ? "tdauth login" : `tdauth login --profile ${row.profile}`;
    if (row.error !== undefined) io.err(`${io.red("error:")} ${where}: ${message(row.error)}`);
    else if (row.status!.state !== "authenticated") io.err(`${io.dim("hint:")} ${where} needs a login: run \`${login}\``);
  }
}

// Converts StoredTokens to and from the Python `td` library's credentials JSON (plus tdauth's keys).
import { naiveLocalISO } from "../../core/td_state.ts";
import type { StoredTokens } from "../../core/types.ts";
import { isTime } from "../_shared/tokens.ts";

/** Version of tdauth's additions to the file; the Python library ignores the key. */
export const FORMAT_VERSION: number = 1;

/** Default refresh-token lifetime when neither the tokens nor the options state one (TD: 90 days). */
export const DEFAULT_REFRESH_LIFETIME_MS: number = 90 * 86_400_000;

/** TD Ameritrade's access-token lifetime, used only to guess a login time for a file without one. */
const ACCESS_LIFETIME_MS = 30 * 60_000;

/** Keys this module writes; everything else found in an existing file is carried over on save. */
const KNOWN_KEYS: ReadonlySet<string> = new Set([
  "access_token",
  "refresh_token",
  "logged_in",
  "access_token_expires_at",
  "access_token_expires_at_date",
  "refresh_token_expires_at",
  "refresh_token_expires_at_date",
  "token_type",
  "scope",
  "id_token",
  "access_token_issued_at",
  "authorized_at",
  "provider",
  "client_id",
  "base_url",
  "login_host",
  "login_tool",
  "version",
  "expired_at",
  "expired_reason",
]);

/** Shared with the Python-parity API in core, so both write the same dates. */
export { naiveLocalISO };

/** A credentials file's JSON object. */
export type CredentialsJSON = Record<string, unknown>;

/**
 * The JSON object for `tokens`, Python keys first (in the order Python writes them), then
 * tdauth's, then whatever unknown keys `extra` carries from the file being replaced.
 *
 * @example
 * ```ts
 * const json = encodeCredentials(tokens, DEFAULT_REFRESH_LIFETIME_MS, {});
 * ```
 */
export function encodeCredentials(tokens: StoredTokens, refreshLifetimeMs: number, extra: CredentialsJSON): CredentialsJSON {
  // The Python library refuses a file without both *_expires_at keys (validate_token), so a
  // refresh expiry is always written, falling back to the known lifetime from the login time.
  const refreshExpiresAt = tokens.refreshExpiresAt ?? tokens.authorizedAt + refreshLifetimeMs;
  const out: CredentialsJSON = {
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken ?? null,
    logged_in: tokens.expired === undefined,
    access_token_expires_at: tokens.accessExpiresAt / 1000,
    access_token_expires_at_date: naiveLocalISO(tokens.accessExpiresAt),
    refresh_token_expires_at: refreshExpiresAt / 1000,
    refresh_token_expires_at_date: naiveLocalISO(refreshExpiresAt),
    token_type: tokens.tokenType,
  };
  if (tokens.scope !== undefined) out.scope = tokens.scope;
  if (tokens.idToken !== undefined) out.id_token = tokens.idToken;
  if (tokens.accessIssuedAt !== undefined) out.access_token_issued_at = tokens.accessIssuedAt / 1000;
  out.authorized_at = tokens.authorizedAt / 1000;
  if (tokens.provider !== undefined) out.provider = tokens.provider;
  if (tokens.clientId !== undefined) out.client_id = tokens.clientId;
  if (tokens.baseURL !== undefined) out.base_url = tokens.baseURL;
  if (tokens.loginHost !== undefined) out.login_host = tokens.loginHost;
  if (tokens.loginTool !== undefined) out.login_tool = tokens.loginTool;
  out.version = FORMAT_VERSION;
  if (tokens.expired !== undefined) {
    out.expired_at = tokens.expired.at / 1000;
    out.expired_reason = tokens.expired.reason;
  }
  for (const [k, v] of Object.entries(extra)) if (!KNOWN_KEYS.has(k)) out[k] = v;
  return out;
}

/** A file whose shape is wrong; the caller turns it into a StoreError naming the path. */
export class FormatError extends Error {}

function optionalString(json: CredentialsJSON, key: string): string | undefined {
  const v = json[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new FormatError(`"${key}" is not a string`);
  return v;
}

function optionalSeconds(json: CredentialsJSON, key: string): number | undefined {
  const v = json[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !isTime(v * 1000)) throw new FormatError(`"${key}" is not a number of seconds within ten years`);
  return Math.round(v * 1000);
}

/**
 * Reads a parsed credentials object. Returns null for "not logged in" (`{}`, or the Python
 * library's defaults with `access_token: null`); throws FormatError for a wrong shape.
 *
 * A file written by the Python library has no `authorized_at`: it is taken as the refresh
 * token's expiry minus `refreshLifetimeMs` (when the refresh token was issued), else as the
 * access token's expiry minus 30 minutes. Missing `access_token_expires_at` counts as already
 * expired, so the next use refreshes.
 *
 * @example
 * ```ts
 * const tokens = decodeCredentials(JSON.parse(text), DEFAULT_REFRESH_LIFETIME_MS);
 * ```
 */
export function decodeCredentials(json: unknown, refreshLifetimeMs: number): StoredTokens | null {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new FormatError("it is not a JSON object");
  const obj = json as CredentialsJSON;
  const accessToken = optionalString(obj, "access_token");
  if (accessToken === undefined || accessToken === "") return null;
  const refreshToken = optionalString(obj, "refresh_token");
  const accessExpiresAt = optionalSeconds(obj, "access_token_expires_at") ?? 0;
  const refreshExpiresAt = optionalSeconds(obj, "refresh_token_expires_at");
  const authorizedAt = optionalSeconds(obj, "authorized_at") ??
    (refreshExpiresAt !== undefined ? refreshExpiresAt - refreshLifetimeMs : accessExpiresAt - ACCESS_LIFETIME_MS);
  const tokens: StoredTokens = {
    accessToken,
    tokenType: optionalString(obj, "token_type") ?? "Bearer",
    accessExpiresAt,
    authorizedAt,
  };
  if (refreshToken !== undefined && refreshToken !== "") tokens.refreshToken = refreshToken;
  if (refreshExpiresAt !== undefined) tokens.refreshExpiresAt = refreshExpiresAt;
  const scope = optionalString(obj, "scope");
  if (scope !== undefined) tokens.scope = scope;
  const idToken = optionalString(obj, "id_token");
  if (idToken !== undefined) tokens.idToken = idToken;
  const accessIssuedAt = optionalSeconds(obj, "access_token_issued_at");
  if (accessIssuedAt !== undefined) tokens.accessIssuedAt = accessIssuedAt;
  const provider = optionalString(obj, "provider");
  if (provider !== undefined) tokens.provider = provider;
  const clientId = optionalString(obj, "client_id");
  if (clientId !== undefined) tokens.clientId = clientId;
  const baseURL = optionalString(obj, "base_url");
  if (baseURL !== undefined) tokens.baseURL = baseURL;
  const loginHost = optionalString(obj, "login_host");
  if (loginHost !== undefined) tokens.loginHost = loginHost;
  const loginTool = optionalString(obj, "login_tool");
  if (loginTool !== undefined) tokens.loginTool = loginTool;
  const expiredAt = optionalSeconds(obj, "expired_at");
  if (expiredAt !== undefined) tokens.expired = { at: expiredAt, reason: optionalString(obj, "expired_reason") ?? "expired" };
  const version = obj.version;
  if (version !== undefined && (typeof version !== "number" || !Number.isInteger(version) || version < 1)) {
    throw new FormatError(`"version" is not a positive integer`);
  }
  return tokens;
}

/**
 * The keys of an existing file that tdauth does not own (the Python library merges whatever the
 * file holds into its state, so other tools may have put things there).
 *
 * @example
 * ```ts
 * const extra = unknownKeys(JSON.parse(oldText));
 * ```
 */
export function unknownKeys(json: unknown): CredentialsJSON {
  const out: CredentialsJSON = {};
  if (typeof json !== "object" || json === null || Array.isArray(json)) return out;
  for (const [k, v] of Object.entries(json)) if (!KNOWN_KEYS.has(k)) out[k] = v;
  return out;
}

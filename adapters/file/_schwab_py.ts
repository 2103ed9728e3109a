// Converts StoredTokens to and from schwab-py's token file, so a schwab-py bot and tdauth can share
// one file and one login. schwab-py (schwab/auth.py) writes `{"creation_timestamp": <int>, "token":
// <authlib token>}` with json.dump: the token is the server's reply in its own key order plus
// authlib's `expires_at` (int(time.time()) + expires_in), and `creation_timestamp` is the login
// time, kept through every refresh. tdauth's own keys (provider, client id, base URL, the expired
// marker) ride in one extra top-level object, "tdauth", which schwab-py ignores on load and drops
// on its next write: then the defaults below (a Schwab session) apply again.
// https://github.com/alexgolec/schwab-py/blob/main/schwab/auth.py
import type { StoredTokens } from "../../core/types.ts";
import { isTime } from "../_shared/tokens.ts";
import { decodeCredentials, encodeCredentials, FormatError } from "./_format.ts";
import type { CredentialsJSON } from "./_format.ts";

/** Schwab's refresh tokens die 7 days after the login: the default lifetime for a file schwab-py wrote. */
export const SCHWAB_PY_REFRESH_LIFETIME_MS: number = 7 * 86_400_000;

/** The top-level key of tdauth's own fields in a schwab-py file. */
const OWN = "tdauth";

/** Keys of a td-format file that the schwab-py file already says in its own way, or that only the Python `td` library reads. */
const SAID_BY_TOKEN: ReadonlySet<string> = new Set([
  "access_token",
  "refresh_token",
  "id_token",
  "token_type",
  "scope",
  "access_token_expires_at",
  "access_token_issued_at",
  "authorized_at",
  "logged_in",
  "access_token_expires_at_date",
  "refresh_token_expires_at_date",
]);

/**
 * Whether a parsed file is a schwab-py token file: an object with `creation_timestamp` and a
 * `token` object. A `token` object without `creation_timestamp` (the format before schwab-py
 * added it, which schwab-py itself refuses) counts too, so that decoding can say so.
 *
 * @example
 * ```ts
 * isSchwabPyJSON({ creation_timestamp: 1767225600, token: { access_token: "…" } }); // true
 * ```
 */
export function isSchwabPyJSON(json: unknown): boolean {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return false;
  const file = json as CredentialsJSON;
  const token = file.token;
  // A td-format file names its access token at the top; a "token" there is some other tool's key.
  const tokenFile = "creation_timestamp" in file || !("access_token" in file);
  return tokenFile && typeof token === "object" && token !== null && !Array.isArray(token);
}

function seconds(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !isTime(value * 1000)) throw new FormatError(`"${name}" is not a number of seconds within ten years`);
  return value;
}

function text(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new FormatError(`"${name}" is not a string`);
  return value;
}

/**
 * Reads a parsed schwab-py token file (see {@link isSchwabPyJSON}). Returns null when it holds no
 * access token; throws FormatError for a wrong shape. A file schwab-py wrote has no refresh
 * expiry: it is `creation_timestamp` plus `refreshLifetimeMs` (Schwab's 7 days by default), and
 * the provider is Schwab's.
 *
 * @example
 * ```ts
 * const tokens = decodeSchwabPy(JSON.parse(text), SCHWAB_PY_REFRESH_LIFETIME_MS);
 * ```
 */
export function decodeSchwabPy(json: unknown, refreshLifetimeMs: number): StoredTokens | null {
  const file = json as CredentialsJSON;
  const token = file.token as CredentialsJSON;
  const created = seconds(file.creation_timestamp, "creation_timestamp");
  if (created === undefined) {
    throw new FormatError(`it has a "token" but no "creation_timestamp" (an old schwab-py or tda-api format, which schwab-py refuses too)`);
  }
  const accessToken = text(token.access_token, "token.access_token");
  if (accessToken === undefined || accessToken === "") return null;
  const expiresAt = seconds(token.expires_at, "token.expires_at");
  const expiresIn = seconds(token.expires_in, "token.expires_in");
  const own = file[OWN];
  if (own !== undefined && (typeof own !== "object" || own === null || Array.isArray(own))) {
    throw new FormatError(`"${OWN}" is not a JSON object`);
  }
  // tdauth's own fields first, then what the token says: the td-format decoder checks them all.
  const td: CredentialsJSON = { provider: "schwab", ...(own as CredentialsJSON | undefined) };
  for (const key of SAID_BY_TOKEN) delete td[key];
  td.access_token = accessToken;
  td.refresh_token = text(token.refresh_token, "token.refresh_token");
  td.id_token = text(token.id_token, "token.id_token");
  td.token_type = text(token.token_type, "token.token_type");
  td.scope = text(token.scope, "token.scope");
  // No expiry: already expired, so the next use refreshes (as for a td-format file).
  td.access_token_expires_at = expiresAt ?? 0;
  if (expiresAt !== undefined && expiresIn !== undefined) td.access_token_issued_at = expiresAt - expiresIn;
  td.authorized_at = created;
  td.refresh_token_expires_at ??= created + refreshLifetimeMs / 1000;
  return decodeCredentials(td, refreshLifetimeMs);
}

/**
 * The schwab-py file for `tokens`: `creation_timestamp` (the login, whole seconds), the token in
 * the key order of Schwab's reply plus `expires_at` (whole seconds, as authlib writes it), then
 * tdauth's own fields under "tdauth", then the unknown top-level keys `extra` carries from the
 * file being replaced.
 *
 * @example
 * ```ts
 * const text = pythonJSON(encodeSchwabPy(tokens, SCHWAB_PY_REFRESH_LIFETIME_MS, {}));
 * ```
 */
export function encodeSchwabPy(tokens: StoredTokens, refreshLifetimeMs: number, extra: CredentialsJSON): CredentialsJSON {
  const token: CredentialsJSON = {};
  if (tokens.accessIssuedAt !== undefined) token.expires_in = Math.round((tokens.accessExpiresAt - tokens.accessIssuedAt) / 1000);
  token.token_type = tokens.tokenType;
  if (tokens.scope !== undefined) token.scope = tokens.scope;
  if (tokens.refreshToken !== undefined) token.refresh_token = tokens.refreshToken;
  token.access_token = tokens.accessToken;
  if (tokens.idToken !== undefined) token.id_token = tokens.idToken;
  token.expires_at = Math.floor(tokens.accessExpiresAt / 1000);
  const own: CredentialsJSON = {};
  for (const [key, value] of Object.entries(encodeCredentials(tokens, refreshLifetimeMs, {}))) {
    if (!SAID_BY_TOKEN.has(key)) own[key] = value;
  }
  const out: CredentialsJSON = { creation_timestamp: Math.floor(tokens.authorizedAt / 1000), token, [OWN]: own };
  for (const [key, value] of Object.entries(extra)) if (!(key in out)) out[key] = value;
  return out;
}

/**
 * The top-level keys of a schwab-py file that are neither schwab-py's nor tdauth's.
 *
 * @example
 * ```ts
 * const extra = schwabPyExtra(JSON.parse(oldText));
 * ```
 */
export function schwabPyExtra(json: unknown): CredentialsJSON {
  const out: CredentialsJSON = {};
  for (const [key, value] of Object.entries(json as CredentialsJSON)) {
    if (key !== "creation_timestamp" && key !== "token" && key !== OWN) out[key] = value;
  }
  return out;
}

/**
 * JSON as Python's `json.dump(obj, f)` writes it with its defaults: `", "` and `": "` between
 * items, no indent, no final newline, and every character outside printable ASCII escaped
 * (`ensure_ascii`), so a file tdauth writes is byte for byte what schwab-py would write.
 *
 * @example
 * ```ts
 * pythonJSON({ a: 1, b: ["é"] }); // '{"a": 1, "b": ["\\u00e9"]}'
 * ```
 */
export function pythonJSON(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJSON).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const items = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${items.map(([k, v]) => `${asciiString(k)}: ${pythonJSON(v)}`).join(", ")}}`;
  }
  if (typeof value === "string") return asciiString(value);
  return JSON.stringify(value) ?? "null";
}

function asciiString(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

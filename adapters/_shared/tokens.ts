// Checks stored tokens before anything trusts or writes them; shared by the file, KV and Redis stores.
import { StoreError } from "../../core/errors.ts";
import type { StoredTokens } from "../../core/types.ts";

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === "string";

const TEN_YEARS_MS = 315_360_000_000;

/**
 * Whether `ms` can be a time in a token record: a number no more than ten years from now, and no
 * more than ten years before 1970 (a record without a time says 0). A corrupt 1e20 would otherwise
 * pass for "fresh for ever" and break every date printed from it.
 *
 * @example
 * ```ts
 * isTime(Date.now() + 1_800_000); // true
 * isTime(1e20);                   // false
 * ```
 */
export function isTime(ms: unknown): boolean {
  return typeof ms === "number" && ms >= -TEN_YEARS_MS && ms <= Date.now() + TEN_YEARS_MS;
}
const num: Check = isTime;

const REQUIRED: [keyof StoredTokens, Check, string][] = [
  ["accessToken", (v) => typeof v === "string" && v.length > 0, "a non-empty string"],
  ["tokenType", str, "a string"],
  ["accessExpiresAt", num, "a number (epoch ms) within ten years"],
  ["authorizedAt", num, "a number (epoch ms) within ten years"],
];
const OPTIONAL: [keyof StoredTokens, Check, string][] = [
  ["refreshToken", str, "a string"],
  ["scope", str, "a string"],
  ["idToken", str, "a string"],
  ["refreshExpiresAt", num, "a number (epoch ms) within ten years"],
  ["accessIssuedAt", num, "a number (epoch ms) within ten years"],
  ["provider", str, "a string"],
  ["clientId", str, "a string"],
  ["baseURL", str, "a string"],
  ["loginHost", str, "a string"],
  ["loginTool", str, "a string"],
  [
    "expired",
    (v) => typeof v === "object" && v !== null && num((v as { at?: unknown }).at) && str((v as { reason?: unknown }).reason),
    "{ at: number, reason: string }",
  ],
];

/** What is wrong with `data` as StoredTokens (naming fields, never values), or null. */
function problemWith(data: unknown): string | null {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return "not a JSON object";
  const record = data as Record<string, unknown>;
  for (const [name, ok, want] of REQUIRED) {
    if (!ok(record[name])) return `"${name}" must be ${want}`;
  }
  for (const [name, ok, want] of OPTIONAL) {
    if (record[name] !== undefined && !ok(record[name])) return `"${name}" must be ${want}`;
  }
  return null;
}

/**
 * Parses what a store read under `where` (e.g. `Redis key "tdauth:tokens"`) into StoredTokens,
 * or throws a StoreError that names the place and the fix. Messages name fields, never values,
 * and the JSON parser's own message is dropped because it quotes the text (which holds tokens).
 *
 * @example
 * ```ts
 * const tokens = parseStoredTokens(await redis.get(key), `Redis key "${key}"`, "DEL it");
 * ```
 */
export function parseStoredTokens(raw: string, where: string, fix: string): StoredTokens {
  let data: unknown;
  let problem: string | null;
  try {
    data = JSON.parse(raw);
    problem = problemWith(data);
  } catch {
    problem = "not valid JSON";
  }
  if (problem !== null) {
    throw new StoreError(`${where} does not hold tdauth tokens (${problem}); it was left as is. Fix: ${fix}, then log in again.`);
  }
  return data as StoredTokens;
}

/**
 * Turns tokens into the JSON a store writes, after the same checks a load makes, so a store
 * never writes what it would later refuse to read.
 *
 * @example
 * ```ts
 * await redis.set(key, serializeTokens(tokens, "RedisStore.save(tokens)"));
 * ```
 */
export function serializeTokens(tokens: StoredTokens, what: string): string {
  checkStoredTokens(tokens, what);
  return JSON.stringify(tokens);
}

/**
 * Throws a TypeError naming `what` and the first wrong field when `tokens` is not a StoredTokens:
 * every store checks what it is asked to save the same way.
 *
 * @example
 * ```ts
 * checkStoredTokens(tokens, "FileStore.save(tokens)");
 * ```
 */
export function checkStoredTokens(tokens: StoredTokens, what: string): void {
  const problem = problemWith(tokens);
  if (problem !== null) throw new TypeError(`${what}: tokens is not a StoredTokens (${problem.replace("JSON ", "")})`);
}

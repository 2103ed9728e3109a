// Reads whatever a user or a redirect hands back after login: a full redirect URL, a query
// string, or a bare code, percent-encoded or not, decoding exactly once and keeping `+` as `+`.

import { AuthorizationError } from "./errors.ts";

/** What a callback carried. */
export interface ParsedCallback {
  /** "url" when the input carried parameters (so `state` can be checked), "code" for a bare code. */
  kind: "url" | "code";
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
  /** Every parameter, decoded once. */
  params: Record<string, string>;
}

function decodeOnce(value: string, what: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new AuthorizationError(`The ${what} has broken percent-encoding: copy it again.`);
  }
}

function parseQuery(query: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decodeOnce(eq < 0 ? pair : pair.slice(0, eq), "parameter name");
    // Not URLSearchParams: it turns `+` into a space, which corrupts TD codes pasted by hand.
    const value = eq < 0 ? "" : decodeOnce(pair.slice(eq + 1), `"${key}" parameter`);
    if (Object.hasOwn(params, key)) {
      throw new AuthorizationError(`The callback has "${key}" twice (RFC 6749 §3.1): paste the real redirect URL.`);
    }
    params[key] = value;
  }
  return params;
}

/**
 * Parses a callback: a full redirect URL (`code` anywhere among the parameters), a query string,
 * or a bare code. Percent-encoding is decoded exactly once; a literal `+` stays `+`.
 *
 * @example
 * ```ts
 * parseCallback("https://127.0.0.1/?state=xyz&code=AB%2BCD%40AMER").code; // "AB+CD@AMER"
 * parseCallback("AB%2BCD%40AMER").code;                                   // "AB+CD@AMER"
 * parseCallback("AB+CD@AMER").code;                                       // "AB+CD@AMER"
 * ```
 */
export function parseCallback(input: string): ParsedCallback {
  if (typeof input !== "string") throw new TypeError("callback must be a string: the redirect URL or the code");
  // People paste with quotes, angle brackets or a trailing newline.
  const text = input.trim().replace(/^["'<]+|["'>]+$/g, "").trim();
  if (text === "") {
    throw new AuthorizationError("Nothing was pasted: paste the URL reached after Allow.");
  }
  let query: string | undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    // The query: after the first "?", before the #fragment.
    query = text.split("#")[0]!.split("?").slice(1).join("?");
  } else if (text.startsWith("?")) {
    query = text.slice(1);
  } else if (/(^|&)(code|error|state)=/.test(text)) {
    query = text;
  }
  if (query === undefined) {
    if (/\s/.test(text)) throw new AuthorizationError("That is not a code or a URL (it contains spaces): paste the whole redirect URL.");
    const code = /%[0-9a-f]{2}/i.test(text) ? decodeOnce(text, "code") : text;
    return { kind: "code", code, params: { code } };
  }
  const params = parseQuery(query);
  const { code, state, error, error_description } = params;
  const parsed: ParsedCallback = { kind: "url", params, code, state, error, error_description };
  if (code === undefined && error === undefined) {
    throw new AuthorizationError(
      "The URL has no code parameter: paste the URL reached after Allow (with ?code=).",
    );
  }
  if (parsed.code === "") throw new AuthorizationError("The code is empty: log in again.");
  return parsed;
}

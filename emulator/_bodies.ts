// The exact response bodies the real servers send (PROTOCOL.md B.3, C.4), built byte for byte.

import { randomBytes, sha256Base64, uuid } from "./_random.ts";

const JSON_TYPE = "application/json;charset=UTF-8";

/**
 * A JSON response with the given body text; token responses are never cached (RFC 6749 §5.1).
 *
 * @example
 * return jsonText(200, JSON.stringify({ ok: true }));
 */
export function jsonText(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "content-type": JSON_TYPE, "cache-control": "no-store", pragma: "no-cache", ...headers },
  });
}

/**
 * Jackson's pretty printer as TD's token endpoint used it: two-space indent and `" : "` between key and value.
 *
 * @example
 * tdPretty({ error: "invalid_grant" }); // '{\n  "error" : "invalid_grant"\n}'
 */
export function tdPretty(body: Record<string, string | number>): string {
  const lines = Object.entries(body).map(([key, value]) => `  ${JSON.stringify(key)} : ${JSON.stringify(value)}`);
  return `{\n${lines.join(",\n")}\n}`;
}

/**
 * A TD token-endpoint error: `{\n  "error" : "invalid_grant"\n}` and friends.
 *
 * @example
 * return tdTokenError(400, "invalid_grant");
 */
export function tdTokenError(status: number, error: string): Response {
  return jsonText(status, tdPretty({ error }));
}

/**
 * A Schwab token-endpoint error in the compact `{"error":..,"error_description":..}` shape.
 *
 * @example
 * return schwabTokenError(401, "invalid_client", "Client authentication failed");
 */
export function schwabTokenError(status: number, error: string, description: string, headers?: Record<string, string>): Response {
  return jsonText(status, JSON.stringify({ error, error_description: description }), headers);
}

/**
 * Schwab's field-reported refusal of a refresh token (github.com/tylerebowers/Schwabdev/issues/40): a JSON string
 * nested inside `error_description`, naming the token only by the base64 SHA-256 `tokenDigest`, written by a JSON
 * encoder that escapes `/` as `\/`.
 *
 * @example
 * return await schwabRefreshError(refreshToken);
 */
export async function schwabRefreshError(token: string): Promise<Response> {
  const digest = await sha256Base64(token);
  const inner = JSON.stringify({
    error_description:
      `Exception while authenticating refresh token [tokenDigest=${digest}, Exception=Failed refresh token authentication [tokenDigest=${digest}]]`,
    error: "refresh_token_authentication_error",
  });
  const body = JSON.stringify({ error: "unsupported_token_type", error_description: `400 Bad Request: "${inner}"` });
  return jsonText(400, body.replaceAll("/", "\\/"));
}

/**
 * TD's 401 for a missing, expired or superseded access token.
 *
 * @example
 * return tdUnauthorized();
 */
export function tdUnauthorized(): Response {
  return jsonText(401, JSON.stringify({ error: "The access token being passed has expired or is invalid." }));
}

/**
 * Schwab's 401 for API calls.
 *
 * @example
 * return schwabUnauthorized();
 */
export function schwabUnauthorized(): Response {
  return jsonText(
    401,
    JSON.stringify({ errors: [{ id: uuid(), status: 401, title: "Unauthorized", detail: "Client not authorized" }] }),
  );
}

/**
 * Schwab's 404 (its status is a string there, unlike the 401's number).
 *
 * @example
 * return schwabNotFound();
 */
export function schwabNotFound(): Response {
  return jsonText(404, JSON.stringify({ errors: [{ id: uuid(), status: "404", title: "Not Found" }] }));
}

/**
 * A 400 for a malformed API request, in each server's shape.
 *
 * @example
 * return apiBadRequest("td", "symbol is required");
 */
export function apiBadRequest(flavour: "td" | "schwab", detail: string): Response {
  if (flavour === "td") return jsonText(400, JSON.stringify({ error: detail }));
  return jsonText(400, JSON.stringify({ errors: [{ id: uuid(), status: "400", title: "Bad Request", detail }] }));
}

/**
 * The 429 past a per-minute limit, in each server's shape, with a Retry-After in seconds.
 *
 * @example
 * return rateLimited("td", 12, 120);
 */
export function rateLimited(flavour: "td" | "schwab", retryAfterS: number, perMinute: number): Response {
  const body = flavour === "td"
    ? { error: "Individual App's transactions per seconds restriction reached. Please contact us with further questions" }
    : {
      errors: [{ id: uuid(), status: "429", title: "Too Many Requests", detail: `Rate limit exceeded: ${perMinute} requests per minute` }],
    };
  return jsonText(429, JSON.stringify(body), { "retry-after": String(retryAfterS) });
}

/**
 * The Akamai "Access Denied" page the CDN occasionally returns instead of JSON (github.com/tylerebowers/Schwabdev/issues/61),
 * with HTTP 403 unless another status is asked for (a gateway page answering 200).
 *
 * @example
 * return akamaiAccessDenied("https://api.schwabapi.com/v1/oauth/token");
 */
export function akamaiAccessDenied(url: string, status = 403): Response {
  // Akamai writes the URL with HTML numeric entities for ':', '/' and '.'.
  const entities = url.replace(/[:/.]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const ref = [...randomBytes(8)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const body = `<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n \n` +
    `You don't have permission to access "${entities}" on this server.<P>\n` +
    `Reference&#32;&#35;18&#46;${ref.slice(0, 8)}&#46;${parseInt(ref.slice(0, 7), 16)}&#46;${ref.slice(8)}\n` +
    `</BODY>\n</HTML>\n`;
  return new Response(body, { status, headers: { "content-type": "text/html", "cache-control": "no-store" } });
}

/**
 * A short body for an injected server error.
 *
 * @example
 * return serverError(503);
 */
export function serverError(status: number): Response {
  const reasons: Record<number, string> = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    429: "Too Many Requests",
  };
  return jsonText(status, JSON.stringify({ error: reasons[status] ?? "Error" }));
}

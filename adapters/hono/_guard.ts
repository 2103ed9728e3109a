// Loopback protections for the callback app: the Host must be the loopback address we serve
// (DNS rebinding), state-changing routes need the per-run token, and every page is no-store,
// no-referrer (the callback URL carries the code) and unframeable.

import type { MiddlewareHandler } from "hono";
import { isLoopbackHost } from "../../core/loopback.ts";
import { cryptoRandom, randomString } from "../../core/_random.ts";
import { securityHeaders } from "../_shared/headers.ts";

export { constantTimeEqual as sameSecret } from "../../core/_random.ts";

/**
 * Refuses (421) a request whose Host header is not a loopback name on the port we serve; with
 * no port known yet, any loopback name passes.
 * @example
 * ```ts
 * app.use("*", loopbackHostOnly(() => 8182)); // Host: evil.example:8182 → 421
 * ```
 */
export function loopbackHostOnly(port: () => number | undefined): MiddlewareHandler {
  return async (c, next) => {
    // HTTP/2 (Deno over TLS) has no Host header: its :authority becomes the request URL's host.
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
    const expected = port();
    const ok = match !== null && isLoopbackHost(match[1]!) &&
      (expected === undefined || Number(match[2] ?? (new URL(c.req.url).protocol === "https:" ? 443 : 80)) === expected);
    if (!ok) {
      return c.text("Misdirected request: this login server answers only to its loopback address.", 421);
    }
    await next();
  };
}

/**
 * A random base64url string of `bytes` bytes (per-run tokens, CSP nonces).
 * @example
 * ```ts
 * const runToken = randomToken(); // 43 characters, 256 bits
 * ```
 */
export function randomToken(bytes = 32): string {
  return randomString(cryptoRandom, bytes);
}

/**
 * Sets a fresh CSP nonce (`c.get("nonce")`) and the headers every response carries.
 * @example
 * ```ts
 * app.use("*", secureResponses);
 * ```
 */
export const secureResponses: MiddlewareHandler<{ Variables: { nonce: string } }> = async (c, next) => {
  const nonce = randomToken(16);
  c.set("nonce", nonce);
  await next();
  for (const [name, value] of Object.entries(securityHeaders(nonce))) c.header(name, value);
};

// The served emulator answers only to its own loopback names: a web page whose DNS name is rebound to
// 127.0.0.1 reaches the port, but its requests carry its own Host, so it cannot drive /__emulator/*.
// See https://en.wikipedia.org/wiki/DNS_rebinding. The in-process fetch is not behind this check.

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];

/**
 * Whether a Host header names this server: a loopback name (any case) with exactly its port.
 *
 * @example
 * isOwnHost("localhost:8777", 8777); // true
 * isOwnHost("evil.example:8777", 8777); // false
 */
export function isOwnHost(host: string | null, port: number): boolean {
  if (host === null) return false;
  const lower = host.toLowerCase();
  return LOOPBACK_NAMES.some((name) => lower === `${name}:${port}` || (port === 80 && lower === name));
}

/**
 * Wraps a fetch handler so that requests for any other host get 421 Misdirected Request (RFC 9110 §15.5.20).
 *
 * @example
 * serve({ fetch: ownHostOnly(emulator.fetch, () => boundPort) });
 */
export function ownHostOnly(
  handler: (request: Request) => Promise<Response>,
  port: () => number,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (isOwnHost(request.headers.get("host"), port())) return await handler(request);
    return new Response("Misdirected Request: this emulator answers only to 127.0.0.1, localhost or [::1] on its own port.", {
      status: 421,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  };
}

// The loopback hosts: where plain http is allowed (RFC 8252 §7.3, §8.3), and the only names the
// local callback server listens on and answers to.

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * Whether a host name (as `URL.hostname` or a Host header spells it; IPv6 with or without
 * brackets) is the loopback address.
 *
 * @example
 * ```ts
 * isLoopbackHost("127.0.0.1"); // true
 * isLoopbackHost("[::1]");     // true
 * isLoopbackHost("example.com"); // false
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase().replace(/^\[(.*)\]$/, "$1"));
}

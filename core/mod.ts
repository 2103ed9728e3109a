/**
 * tdauth: OAuth for the TD Ameritrade and Charles Schwab APIs (and any RFC 6749 server). Log in
 * once, then `session.accessToken()` or `session.fetch()` forever; refreshes happen once per
 * expiry across every process that shares the store and lock.
 *
 * @example
 * ```ts
 * import { AuthSession, schwab } from "tdauth";
 * const session = new AuthSession({ provider: schwab({ clientId, clientSecret, redirectURI: "https://127.0.0.1:8182" }) });
 * ```
 * @module
 */

export * from "./portable.ts";
// The seed classes with the credentials file, terminal prompt and browser login of Node, Deno
// and Bun; these explicit exports take the place of portable.ts's runtime-free ones.
export { TDAuth, TDClient } from "./seed_local.ts";

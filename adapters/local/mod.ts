/**
 * tdauth: OAuth for the TD Ameritrade and Charles Schwab APIs (and any RFC 6749 server). Log in
 * once, then `session.accessToken()` or `session.fetch()` forever; refreshes happen once per
 * expiry across every process that shares the store and lock.
 *
 * This is "tdauth" on Node, Deno and Bun: the core (`core/mod.ts`, which Workers and browsers get
 * alone) with `TDClient` and `TDAuth` wired to the local runtime: the credentials file, the
 * terminal prompt and the loopback callback server.
 *
 * @example
 * ```ts
 * import { AuthSession, schwab } from "tdauth";
 * const session = new AuthSession({ provider: schwab({ clientId, clientSecret, redirectURI: "https://127.0.0.1:8182" }) });
 * ```
 * @module
 */

import { TDAuth as CoreTDAuth, type TDAuthOptions } from "../../core/td_auth.ts";
import { TDClient as CoreTDClient, type TDClientOptions } from "../../core/td_client.ts";
import { localRuntime } from "./runtime.ts";

export * from "../../core/mod.ts";

/**
 * The Python library's `TDClient`, keeping tokens in `credentialsPath` (default
 * `~/.td_python_api/td_state.json`).
 *
 * @example
 * ```ts
 * const client = new TDClient({ clientId: "APPKEY", redirectURI: "https://127.0.0.1", credentialsPath: "./td_state.json" });
 * await client.login();
 * console.log(await client.getQuotes(["MSFT"]));
 * ```
 */
export class TDClient extends CoreTDClient {
  /** Makes a client on the local runtime; nothing is read until the first call that needs the session. */
  constructor(options: TDClientOptions = {}) {
    super(options, localRuntime);
  }
}

/**
 * The Python library's `FlaskTDAuth`, saving tokens to `credentialsPath` when given.
 *
 * @example
 * ```ts
 * const auth = new TDAuth({ clientId: "APPKEY", redirectURI: "https://127.0.0.1:8080/callback" });
 * const { url } = await auth.authorizationURL();
 * ```
 */
export class TDAuth extends CoreTDAuth {
  /** Makes the helper on the local runtime; `credentialsPath`, when given, is opened on first use. */
  constructor(options: TDAuthOptions = {}) {
    super(options, localRuntime);
  }
}

/**
 * `TDClient` and `TDAuth` as `tdauth` exports them on Node, Deno and Bun: with the seed's
 * credentials file, the terminal prompt and the loopback callback server. Each adapter is
 * imported only when first used, so the core loads nothing runtime-specific. Workers and
 * browsers get the classes of `td_client.ts` / `td_auth.ts` instead (package.json's "workerd",
 * "worker" and "browser" conditions), whose bundles then never meet a `node:` import.
 * @module
 */

import type { SeedRuntime } from "./seed_runtime.ts";
import { TDAuth as PortableTDAuth, type TDAuthOptions } from "./td_auth.ts";
import { TDClient as PortableTDClient, type TDClientOptions } from "./td_client.ts";

/**
 * The local runtime: files through FileStore/FileLock, the prompt through readLine, the browser
 * login through the Hono callback server.
 *
 * @example
 * ```ts
 * const { store } = await localRuntime.fileStore("./td_state.json", false);
 * ```
 */
export const localRuntime: SeedRuntime = {
  async fileStore(path, withLock) {
    const { FileStore, defaultCredentialsPath } = await import("../adapters/file/store.ts");
    const file = path ?? defaultCredentialsPath();
    const store = new FileStore(file);
    if (!withLock) return { store };
    const { FileLock } = await import("../adapters/file/lock.ts");
    return { store, lock: new FileLock(`${file}.lock`) };
  },
  async prompt(message) {
    return await (await import("../adapters/terminal/read_line.ts")).readLine(message);
  },
  async browserLogin(session, options) {
    return await (await import("../adapters/hono/browser_login.ts")).browserLogin(session, options);
  },
};

/**
 * The seed's `TDClient`, keeping tokens in `credentialsPath` (default
 * `~/.td_python_api/td_state.json`).
 *
 * @example
 * ```ts
 * const client = new TDClient({ clientId: "APPKEY", redirectURI: "https://127.0.0.1", credentialsPath: "./td_state.json" });
 * await client.login();
 * console.log(await client.getQuotes(["MSFT"]));
 * ```
 */
export class TDClient extends PortableTDClient {
  constructor(options: TDClientOptions = {}) {
    super(options, localRuntime);
  }
}

/**
 * The seed's `FlaskTDAuth`, saving tokens to `credentialsPath` when given.
 *
 * @example
 * ```ts
 * const auth = new TDAuth({ clientId: "APPKEY", redirectURI: "https://127.0.0.1:8080/callback" });
 * const { url } = await auth.authorizationURL();
 * ```
 */
export class TDAuth extends PortableTDAuth {
  constructor(options: TDAuthOptions = {}) {
    super(options, localRuntime);
  }
}

// What TDClient and TDAuth get on Node, Deno and Bun: the credentials file through FileStore and
// FileLock, the prompt through the terminal, the browser login through the Hono callback server.
// Each adapter is imported only when first used, so `import { TDClient } from "tdauth"` loads
// none of them (nor hono) until a client needs one.

import type { ClientRuntime } from "../../core/client_runtime.ts";

/**
 * The local runtime of `TDClient` and `TDAuth`.
 *
 * @example
 * ```ts
 * const { store } = await localRuntime.fileStore("./td_state.json", false);
 * ```
 */
export const localRuntime: ClientRuntime = {
  async fileStore(path, withLock) {
    const { FileStore, defaultCredentialsPath } = await import("../file/store.ts");
    const file = path ?? defaultCredentialsPath();
    const store = new FileStore(file);
    if (!withLock) return { store };
    const { FileLock } = await import("../file/lock.ts");
    return { store, lock: new FileLock(`${file}.lock`) };
  },
  async prompt(message) {
    return await (await import("../terminal/read_line.ts")).readLine(message);
  },
  async browserLogin(session, options) {
    return await (await import("../hono/browser_login.ts")).browserLogin(session, options);
  },
};

// What TDClient and TDAuth get on Node, Deno and Bun: the credentials file through FileStore (and
// its FileLock), the prompt through the terminal, the browser login through the Hono callback server.
// Each adapter is imported only when first used, so `import { TDClient } from "tdauth"` loads
// none of them (nor hono) until a client needs one.

import type { ClientRuntime } from "../../core/client_runtime.ts";
import { InProcessLock } from "../../core/in_process_lock.ts";

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
    // The Python library's default (multiprocessing_safe=False) locks only within the process.
    return { store, lock: withLock ? store.defaultLock() : InProcessLock.for(store.lockKey) };
  },
  async prompt(message) {
    return await (await import("../terminal/read_line.ts")).readLine(message);
  },
  async browserLogin(session, options) {
    return await (await import("../hono/browser_login.ts")).browserLogin(session, options);
  },
};

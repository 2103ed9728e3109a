/**
 * What `TDClient` and `TDAuth` need from the runtime beyond fetch: the credentials file, a
 * terminal prompt and the loopback callback server. On Node, Deno and Bun `tdauth` gives them the
 * local implementations (`adapters/local/`); in a Worker or a browser they get
 * {@link noLocalRuntime}, whose every part says what to pass instead.
 * @module
 */

import type { AuthSession } from "./session.ts";
import type { Lock, TokenStore } from "./types.ts";

/**
 * The runtime-specific parts of `TDClient` and `TDAuth`.
 *
 * @example
 * ```ts
 * const runtime: ClientRuntime = { ...noLocalRuntime, prompt: async () => "https://127.0.0.1/?code=..." };
 * ```
 */
export interface ClientRuntime {
  /**
   * The default store: the file at `path` (default `~/.td_python_api/td_state.json`), and its lock:
   * a FileLock beside it when `withLock`, else one shared by this process's sessions on that file.
   */
  fileStore(path: string | undefined, withLock: boolean): Promise<{ store: TokenStore; lock?: Lock }>;
  /** Asks a question on the terminal and resolves with the line typed. */
  prompt(message: string): Promise<string>;
  /** Logs in through the loopback callback server and the browser (the Python library's `auth_flow="flask"`). */
  browserLogin(session: AuthSession, options: { openBrowser: boolean; log: (line: string) => void }): Promise<unknown>;
}

const refuse = (message: string) => () => Promise.reject(new TypeError(message));

/**
 * The runtime of a Worker or a browser: no file system, no terminal, no local server. Each part
 * rejects with what to pass instead.
 *
 * @example
 * ```ts
 * await noLocalRuntime.prompt("Paste the URL: "); // rejects: pass { prompt } ...
 * ```
 */
export const noLocalRuntime: ClientRuntime = {
  fileStore: refuse(
    "This runtime has no file system for the credentials file (in a Worker or a browser, `tdauth` has no file store): " +
      "pass { store }, e.g. new KvStore(env.TOKENS) from tdauth/stores/kv.",
  ),
  prompt: refuse(
    "This runtime has no terminal to paste the redirect URL into: pass { prompt }, or log in with AuthSession authorize() and complete().",
  ),
  browserLogin: refuse(
    'authFlow "flask" runs a local callback server, which this runtime cannot: in a Worker, use createWorker() from tdauth/worker for the callback.',
  ),
};

// tdauth's folder and `~` in paths, resolved one way for the credentials file, the loopback
// certificate and the CLI's tdauth.json.
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { readEnv } from "./_env.ts";

/**
 * A path with a leading `~` (alone or before a slash) in the user's home folder; other paths as
 * they are (`~user` is left alone, as Node leaves it).
 *
 * @example
 * ```ts
 * expandHome("~/.td_python_api/td_state.json"); // "/home/me/.td_python_api/td_state.json"
 * ```
 */
export function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(userHome(), path.slice(1)) : path;
}

/**
 * The user's home folder where Node's `homedir()` looks first, `HOME` (then `USERPROFILE`), else
 * `homedir()`: Deno lets a program read a variable with `--allow-env` but asks `--allow-sys` for
 * `homedir()`, and a permission fewer is one a user need not grant.
 */
function userHome(env?: Record<string, string | undefined>): string {
  const fromEnv = env !== undefined ? env.HOME ?? env.USERPROFILE : readEnv("HOME") ?? readEnv("USERPROFILE");
  return fromEnv?.trim() ? fromEnv : homedir();
}

/**
 * tdauth's folder: `TDAUTH_HOME` (trimmed, `~` expanded, made absolute), else
 * `~/.td_python_api`, the Python library's folder. `env` defaults to this process's environment.
 *
 * @example
 * ```ts
 * tdauthHome({ TDAUTH_HOME: "~/td" }); // "/home/me/td"
 * tdauthHome({});                      // "/home/me/.td_python_api"
 * ```
 */
export function tdauthHome(env?: Record<string, string | undefined>): string {
  const home = (env !== undefined ? env.TDAUTH_HOME : readEnv("TDAUTH_HOME"))?.trim();
  return home ? resolve(expandHome(home)) : join(userHome(env), ".td_python_api");
}

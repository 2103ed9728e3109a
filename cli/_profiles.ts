// Profiles: separate config and credentials (several Schwab apps, or several logins) in folders
// of their own under $TDAUTH_HOME/profiles/. A name is one folder name, never a path.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { usageError } from "./_errors.ts";

/** Letters, digits, ".", "_" and "-", starting with a letter or digit: one folder name on every file system. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * `name` if it can be a profile's folder name, else a usage error naming where it came from
 * (`--profile`, `TDAUTH_PROFILE`): no path separator, no `..`, nothing hidden, at most 64 characters.
 *
 * @example
 * ```ts
 * checkProfileName("paper-trading", "--profile"); // "paper-trading"
 * checkProfileName("../x", "--profile");           // throws: not a profile name
 * ```
 */
export function checkProfileName(name: string, source: string): string {
  if (NAME.test(name) && !name.includes("..")) return name;
  throw usageError(
    `${source} ${JSON.stringify(name)} is not a profile name`,
    'a profile name is 1-64 letters, digits, ".", "_" and "-", starting with a letter or digit (no path separators, no "..")',
  );
}

/**
 * The folder of profile `name` under tdauth's folder `home`.
 *
 * @example
 * ```ts
 * profileFolder("/home/me/.td_python_api", "paper"); // "/home/me/.td_python_api/profiles/paper"
 * ```
 */
export function profileFolder(home: string, name: string): string {
  return join(home, "profiles", name);
}

/**
 * The profiles under `home`: the folders of `profiles/` whose names are profile names, sorted.
 * None when there is no such folder.
 *
 * @example
 * ```ts
 * listProfiles("/home/me/.td_python_api"); // ["live", "paper"]
 * ```
 */
export function listProfiles(home: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(home, "profiles"), { withFileTypes: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isDirectory() && NAME.test(entry.name) && !entry.name.includes(".."))
    .map((entry) => entry.name)
    .sort();
}

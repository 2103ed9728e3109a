// Deno without a permission the command needs: its NotCapable error turned into one line that
// names the flag to add, narrowed to the folder, host or name that was refused.

import { dirname } from "node:path";
import { causes } from "./_network.ts";

/**
 * Every permission tdauth asks of Deno, for the hint after a refused one.
 * @example
 * ```ts
 * console.log(`deno run ${DENO_PERMISSIONS} jsr:@tdauth/tdauth/cli status`);
 * ```
 */
export const DENO_PERMISSIONS = "--allow-env --allow-read=FOLDER --allow-write=FOLDER --allow-net=TOKEN_HOST,127.0.0.1";

/**
 * What Deno refused: the kind of access, what it was for, and the flag that grants it.
 * @example
 * ```ts
 * const refusal: DenoRefusal = { kind: "read", target: "/home/me/.td_python_api/td_state.json", flag: "--allow-read=/home/me/.td_python_api" };
 * ```
 */
export interface DenoRefusal {
  kind: string;
  target: string;
  flag: string;
}

// Deno 2: 'Requires read access to "/x/td_state.json", run again with the --allow-read flag'.
const REFUSAL = /Requires (\w+) access to "?([^",]*)"?,? (?:run again with|specify the required permissions).*?(--allow-[\w-]+)/;

/** A file's folder (a credentials file brings its lock, temp and certificate files), else the folder itself. */
function folderOf(path: string): string {
  return /[^./]\.[A-Za-z0-9]+$/.test(path) ? dirname(path) : path;
}

/**
 * The permission Deno refused somewhere in `error`'s cause chain, or undefined.
 * @example
 * ```ts
 * const refusal = denoRefusal(error);
 * if (refusal) console.error(`run again with ${refusal.flag}`);
 * ```
 */
export function denoRefusal(error: unknown): DenoRefusal | undefined {
  for (const e of causes(error)) {
    const name = (e as { name?: unknown })?.name;
    if (name !== "NotCapable" && name !== "PermissionDenied") continue;
    const match = REFUSAL.exec(e instanceof Error ? e.message : String(e));
    if (!match) continue;
    const [, kind, target, flag] = match as unknown as [string, string, string, string];
    if (kind === "read" || kind === "write") return { kind, target, flag: `${flag}=${folderOf(target)}` };
    // A whole host: the next port (a login's callback, another emulator) would be refused again.
    if (kind === "net") return { kind, target, flag: `${flag}=${target.replace(/:\d+$/, "")}` };
    return { kind, target, flag: kind === "env" ? flag : `${flag}=${target}` };
  }
  return undefined;
}

// Where the CLI's logins are made, kept in the credentials record (no secrets): a later refusal
// caused by a newer login elsewhere, and the warning before replacing a live session, name it.

import { hostname } from "node:os";
import type { StoredTokens } from "../core/types.ts";
import { VERSION } from "./_version.ts";

/**
 * This machine's host name, when the runtime gives it without asking (Deno asks for
 * `--allow-sys=hostname`, which the CLI does not require): undefined otherwise.
 */
function hostName(): string | undefined {
  try {
    const deno = (globalThis as { Deno?: { permissions: { querySync(d: { name: string; kind: string }): { state: string } } } }).Deno;
    if (deno && deno.permissions.querySync({ name: "sys", kind: "hostname" }).state !== "granted") return undefined;
    return hostname() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `loginOrigin` of the CLI's sessions.
 * @example
 * ```ts
 * new AuthSession({ provider, store, loginOrigin: cliLoginOrigin() });
 * ```
 */
export function cliLoginOrigin(): Pick<StoredTokens, "loginHost" | "loginTool"> {
  const host = hostName();
  return host === undefined ? { loginTool: `tdauth ${VERSION}` } : { loginHost: host, loginTool: `tdauth ${VERSION}` };
}

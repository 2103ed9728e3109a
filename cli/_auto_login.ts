// Completes a login without a browser against a server that approves on its own (the emulator
// with auto-approve): fetch the authorization URL, take the redirect's Location, complete.

import type { AuthSession } from "../core/session.ts";
import type { SessionStatus } from "../core/session_types.ts";
import { CLIError } from "./_errors.ts";
import { fetchNamingURL } from "./_network.ts";

/**
 * The redirect URL an auto-approving server answers the authorization URL with.
 * @example
 * ```ts
 * const redirect = await approvedRedirect(url);
 * ```
 */
export async function approvedRedirect(url: string): Promise<string> {
  const response = await fetchNamingURL(url, { redirect: "manual" });
  await response.body?.cancel();
  const location = response.headers.get("location");
  if (response.status < 300 || response.status > 399 || !location) {
    throw new CLIError(`the authorization server did not approve on its own (HTTP ${response.status})`, {
      hint: "--flow auto needs the emulator with auto-approve (`tdauth emulator --auto-approve`); use --flow manual or browser",
    });
  }
  return new URL(location, url).href;
}

/**
 * authorize() → auto-approved redirect → complete().
 * @example
 * ```ts
 * const status = await autoLogin(session);
 * ```
 */
export async function autoLogin(session: AuthSession): Promise<SessionStatus> {
  const { url } = await session.authorize();
  return await session.complete(await approvedRedirect(url));
}

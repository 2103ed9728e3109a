// Completes a login against the emulator the way a script would: open the authorization URL
// with auto-approve on, and hand the redirect's Location to the session.
import type { AuthSession } from "../../core/session.ts";

/** The redirect URL the emulator sends the browser to after an auto-approved login. */
export async function approvedRedirect(authorizationURL: string): Promise<string> {
  const response = await fetch(authorizationURL, { redirect: "manual" });
  const location = response.headers.get("location");
  await response.body?.cancel();
  if (response.status !== 302 || !location) throw new Error(`expected a 302 from the authorize endpoint, got ${response.status}`);
  return location;
}

/** authorize() → auto-approved redirect → complete(). Returns the redirect URL used. */
export async function emulatorLogin(session: AuthSession): Promise<string> {
  const { url } = await session.authorize();
  const redirect = await approvedRedirect(url);
  await session.complete(redirect);
  return redirect;
}

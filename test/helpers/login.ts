// Completes a login against the emulator the way a script would: open the authorization URL
// with auto-approve on, and hand the redirect's Location to the session.
import { DEFAULT_SCHWAB_APP, DEFAULT_TD_APP } from "../../emulator/mod.ts";
import type { Provider } from "../../core/provider.ts";
import { schwab } from "../../core/providers/schwab.ts";
import { tdAmeritrade } from "../../core/providers/td_ameritrade.ts";
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

/** The Schwab profile of the emulator's default app at `baseURL`. */
export function emulatorSchwab(baseURL: string, extra: { pkce?: boolean } = {}): Provider {
  return schwab({
    clientId: DEFAULT_SCHWAB_APP.clientId,
    clientSecret: DEFAULT_SCHWAB_APP.clientSecret!,
    redirectURI: DEFAULT_SCHWAB_APP.redirectURIs[0]!,
    baseURL,
    ...extra,
  });
}

/** The TD Ameritrade profile of the emulator's default app at `baseURL`. */
export function emulatorTD(baseURL: string): Provider {
  return tdAmeritrade({ clientId: DEFAULT_TD_APP.clientId, redirectURI: DEFAULT_TD_APP.redirectURIs[0]!, baseURL });
}

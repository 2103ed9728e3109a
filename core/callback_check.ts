// The pure decision of AuthSession.complete(): does what the browser handed back answer the
// pending login, and with which code? No I/O and no state change here; the session applies it.

import { AuthorizationError } from "./errors.ts";
import type { ParsedCallback } from "./callback.ts";
import type { Provider } from "./provider.ts";
import { constantTimeEqual } from "./_random.ts";
import type { PendingAuthorization } from "./state_machine.ts";

/** Why a callback ends the pending login, or the code it carries. */
export type CallbackVerdict = { code: string } | { failure: string; error?: string };

/**
 * Checks a parsed callback against the pending login: in time, not an `error=` answer, and (for
 * a full URL) carrying this login's `state` and, where the provider names one, its issuer
 * (RFC 9207). Throws `AuthorizationError` when no login is pending: that is no failure of one.
 *
 * @example
 * ```ts
 * const verdict = checkCallback(parseCallback(url), pending, provider, Date.now(), 300_000);
 * if ("failure" in verdict) console.log(verdict.failure);
 * ```
 */
export function checkCallback(
  parsed: ParsedCallback,
  pending: PendingAuthorization | undefined,
  provider: Provider,
  now: number,
  timeoutMs: number,
): CallbackVerdict {
  if (!pending) {
    throw new AuthorizationError(
      "No login is pending in this session: call authorize() (or run `tdauth login`) and use the URL it prints.",
    );
  }
  const again = "start the login again.";
  if (now - pending.createdAt > timeoutMs) return { failure: `The login timed out after ${Math.round(timeoutMs / 1000)} s: ${again}` };
  if (parsed.error !== undefined) {
    const description = parsed.error_description ? ` (${parsed.error_description.slice(0, 200)})` : "";
    return { failure: `${provider.name} refused the login: ${parsed.error.slice(0, 100)}${description}.`, error: parsed.error };
  }
  // A bare code was carried by the user by hand; a URL must prove it answers our request.
  if (parsed.kind === "url") {
    if (parsed.state === undefined) {
      return { failure: "The redirect URL has no state parameter, so it cannot be matched to this login: paste the whole URL." };
    }
    if (!constantTimeEqual(parsed.state, pending.state)) {
      return { failure: `The redirect URL's state does not match this login (an old or forged link?): ${again}` };
    }
    const iss = parsed.params.iss;
    if (iss !== undefined && provider.issuer !== undefined && iss !== provider.issuer) {
      return { failure: `The redirect URL comes from issuer "${iss.slice(0, 100)}", not ${provider.issuer} (RFC 9207): ${again}` };
    }
  }
  return { code: parsed.code! };
}

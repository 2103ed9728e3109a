// The pure decision of AuthSession.complete(): does what the browser handed back answer the
// pending login, and with which code? No I/O and no state change here; the session applies it.
// The Hono app, the Worker and the CLI ask the same questions through it.

import { AuthorizationError } from "./errors.ts";
import type { ParsedCallback } from "./callback.ts";
import type { Provider } from "./provider.ts";
import { constantTimeEqual } from "./_random.ts";
import type { PendingAuthorization } from "./state_machine.ts";

/**
 * What a callback means for the pending login: its code; a failure that ends it; or `foreign`,
 * a callback that does not carry its state, which is refused while the login keeps waiting.
 */
export type CallbackVerdict = { code: string } | { failure: string; error?: string } | { foreign: string };

/**
 * Why a callback is not an answer to `pending` (undefined when it is): a URL must carry the
 * pending login's `state`, compared in constant time. Checked before anything else, because any
 * page the user visits can make the browser fetch a callback URL, and such a forged or stale one
 * must not end the real login. A bare code pasted by hand carries no state and is the user's own.
 *
 * @example
 * ```ts
 * const foreign = foreignCallback(parseCallback(request.url), pending);
 * if (foreign) return new Response(foreign, { status: 400 });
 * ```
 */
export function foreignCallback(parsed: ParsedCallback, pending: Pick<PendingAuthorization, "state">): string | undefined {
  if (parsed.kind !== "url" || (parsed.state !== undefined && constantTimeEqual(parsed.state, pending.state))) return undefined;
  const why = parsed.state === undefined
    ? "it has no state parameter: paste the whole URL"
    : "its state does not match: an old or forged link?";
  return `This callback does not belong to the login in progress (${why}); that login is still waiting.`;
}

/**
 * Checks a parsed callback against the pending login: its state first ({@link foreignCallback}),
 * then in time, not an `error=` answer, and, where the provider names one, from its issuer
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
      "No login is pending: call authorize() (or `tdauth login`) first.",
    );
  }
  const foreign = foreignCallback(parsed, pending);
  if (foreign !== undefined) return { foreign };
  const again = "start the login again.";
  if (now - pending.createdAt > timeoutMs) return { failure: `The login timed out after ${Math.round(timeoutMs / 1000)} s: ${again}` };
  if (parsed.error !== undefined) {
    const description = parsed.error_description ? ` (${parsed.error_description.slice(0, 200)})` : "";
    return { failure: `${provider.name} refused the login: ${parsed.error.slice(0, 100)}${description}.`, error: parsed.error };
  }
  const iss = parsed.params.iss;
  if (iss !== undefined && provider.issuer !== undefined && iss !== provider.issuer) {
    return { failure: `The callback comes from issuer "${iss.slice(0, 100)}", not ${provider.issuer} (RFC 9207): ${again}` };
  }
  return { code: parsed.code! };
}

// The errors a failed token request ends in: what went wrong, in words that name the fix, with
// every secret of the request scrubbed out. Decided apart from the retry loop that sends it.

import { TokenRequestError, TokenResponseError } from "./errors.ts";
import type { Provider, TokenGrant } from "./provider.ts";
import { scrub } from "./_redact.ts";
import type { TokenOutcome } from "./token_response.ts";

type Failure = Exclude<TokenOutcome, { kind: "ok" }>;

// The reply behind each error, for the session alone: whether it named the grant dead, and a
// rotated refresh token to keep. Not a property, so no token ever rides on an error object.
const outcomes = new WeakMap<object, Failure>();

/**
 * The reply a token-request error was made from, when it was one.
 * @example
 * ```ts
 * if (outcomeOf(error)?.kind === "rejected") console.log("refused");
 * ```
 */
export function outcomeOf(error: unknown): Failure | undefined {
  return outcomes.get(error as object);
}

/**
 * The error to throw for the last failed try of a token request. Messages name the problem and
 * the fix and are scrubbed of the grant's secrets and the provider's.
 *
 * @example
 * ```ts
 * throw tokenRequestFailure(outcome, provider, grant, 4);
 * ```
 */
export function tokenRequestFailure(
  outcome: Failure,
  provider: Provider,
  grant: TokenGrant,
  tries: number,
): TokenRequestError | TokenResponseError {
  const code = grant.grantType === "authorization_code";
  const all = [...(code ? [grant.code, grant.codeVerifier] : [grant.refreshToken]), ...provider.secrets()];
  const what = code ? "exchanging the code" : "refreshing the access token";
  const unchanged = "stored tokens unchanged";
  let error: TokenRequestError | TokenResponseError;
  if (outcome.kind === "rejected") {
    const description = outcome.description && scrub(outcome.description, all, 200);
    // A refresh token named dead never surfaces as this error: the session ends and throws
    // TknExpError ("log in again"), with this one as its cause.
    const hint = outcome.grantDead
      ? code ? " The code was used or expired (Schwab's last ~30 s), or the redirect URI is not the registered one: log in again." : ""
      : outcome.error === "invalid_client"
      ? ` Check the app key and secret; ${unchanged}.`
      : "";
    error = new TokenRequestError(
      `${provider.name} refused ${what}: ${scrub(outcome.error, all, 100)}${description ? ` (${description})` : ""}.${hint}`,
      { status: outcome.status, error: outcome.error, error_description: description || undefined },
    );
  } else {
    // Transient (network, timeout, 5xx, 429: retried) or not a token response (HTML, a redirect).
    const transient = outcome.kind === "transient";
    error = new (transient ? TokenRequestError : TokenResponseError)(
      `${provider.name}'s token endpoint gave ${outcome.detail}${
        transient ? ` (tries: ${tries})` : ` (HTTP ${outcome.status}) instead of a token response`
      } while ${what}; ${unchanged}. ${
        !outcome.status ? "Check the network and baseURL." : transient ? "Retry later." : "Retry in a minute, or check baseURL."
      }`,
      { cause: transient ? outcome.cause : undefined, status: outcome.status || undefined },
    );
  }
  outcomes.set(error, outcome);
  return error;
}

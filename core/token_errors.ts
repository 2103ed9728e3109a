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
  networkError?: unknown,
): TokenRequestError | TokenResponseError {
  const code = grant.grantType === "authorization_code";
  const all = [...(code ? [grant.code, grant.codeVerifier] : [grant.refreshToken]), ...provider.secrets()];
  const what = code ? "exchanging the code" : "refreshing the access token";
  const unchanged = "stored tokens unchanged";
  let error: TokenRequestError | TokenResponseError;
  if (outcome.kind === "transient") {
    error = new TokenRequestError(
      `${provider.name}'s token endpoint gave ${outcome.detail} (tries: ${tries}) while ${what}; ${unchanged}. Check the connection, or retry later.`,
      { cause: networkError, status: outcome.status || undefined },
    );
  } else if (outcome.kind === "invalid") {
    error = new TokenResponseError(
      `${provider.name} answered ${what} with HTTP ${outcome.status} and ${outcome.detail} instead of a token response; ${unchanged}. ` +
        "Retry in a minute (Schwab's gateway sometimes says Access Denied), or check baseURL.",
      { status: outcome.status },
    );
  } else {
    const description = outcome.description === undefined ? undefined : scrub(outcome.description, all, 200);
    const hint = outcome.grantDead
      ? code
        ? " The code was used or expired (Schwab's last ~30 s), or the redirect URI is not the registered one: log in again."
        : " The refresh token is dead: log in again (`tdauth login`)."
      : outcome.error === "invalid_client"
      ? ` Check the app key and secret; ${code ? "no tokens were stored" : unchanged}.`
      : "";
    error = new TokenRequestError(
      `${provider.name} refused ${what}: ${scrub(outcome.error, all, 100)}${description ? ` (${description})` : ""}.${hint}`,
      { status: outcome.status, error: outcome.error, error_description: description },
    );
  }
  outcomes.set(error, outcome);
  return error;
}

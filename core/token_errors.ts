// The errors a failed token request ends in: what went wrong, in words that name the fix, with
// every secret of the request scrubbed out. Decided apart from the retry loop that sends it.

import { TokenRequestError, TokenResponseError } from "./errors.ts";
import type { Provider, TokenGrant } from "./provider.ts";
import { scrub } from "./_redact.ts";
import type { TokenOutcome } from "./token_response.ts";

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
  outcome: Exclude<TokenOutcome, { kind: "ok" }>,
  provider: Provider,
  grant: TokenGrant,
  attempts: number,
  networkError?: unknown,
): TokenRequestError | TokenResponseError {
  const code = grant.grantType === "authorization_code";
  const all = [...(code ? [grant.code, grant.codeVerifier] : [grant.refreshToken]), ...provider.secrets];
  const what = code ? "exchanging the authorization code" : "refreshing the access token";
  const unchanged = "the stored tokens are unchanged";
  if (outcome.kind === "transient") {
    return outcome.status === 0
      ? new TokenRequestError(
        `Could not reach ${provider.name}'s token endpoint (network error after ${attempts} tries); ${unchanged}. Check the connection and try again.`,
        { cause: networkError },
      )
      : new TokenRequestError(
        `${provider.name}'s token endpoint kept failing (${outcome.detail}) while ${what}; ${unchanged}. Try again later.`,
        { status: outcome.status },
      );
  }
  if (outcome.kind === "invalid") {
    return new TokenResponseError(
      `${provider.name} answered ${what} with HTTP ${outcome.status} and ${outcome.detail} instead of a token response; ${unchanged}. ` +
        "Try again in a minute: this is usually transient (Schwab's gateway sometimes answers Access Denied).",
      { status: outcome.status },
    );
  }
  const description = outcome.description === undefined ? undefined : scrub(outcome.description, all, 200);
  let hint = "";
  if (code) {
    hint = outcome.error === "invalid_grant"
      ? " The code was already used or expired (Schwab codes last about 30 seconds), or the redirect URI differs from the registered one: log in again and paste the new URL promptly."
      : outcome.error === "invalid_client"
      ? " Check the app key and secret."
      : "";
  } else if (outcome.grantDead) {
    hint = " The refresh token is no longer valid: log in again (`tdauth login`).";
  }
  return new TokenRequestError(
    `${provider.name} refused ${what}: ${scrub(outcome.error, all, 100)}${description ? ` (${description})` : ""}.${hint}`,
    {
      status: outcome.status,
      error: outcome.error,
      ...(description === undefined ? {} : { error_description: description }),
    },
  );
}

// The error for an API that keeps answering 401 to a token a refresh just replaced: a missing API
// product (Schwab's "Client not authorized"), not a dead session. Pure: the session reads the reply.

import { APIAuthError } from "./errors.ts";
import type { Provider } from "./provider.ts";
import { scrub } from "./_redact.ts";

/**
 * The `APIAuthError` for `request`'s 401 reply `body`, with the reason the body gives (Schwab's
 * `errors[0].detail`, TD's `error`), scrubbed of `token` and the provider's secrets.
 * @example
 * ```ts
 * throw apiAuthError(provider, request, token, '{"errors":[{"status":401,"detail":"Client not authorized"}]}');
 * ```
 */
export function apiAuthError(provider: Provider, request: Request, token: string, body: string): APIAuthError {
  const detail = /"(?:detail|error)"\s*:\s*"([^"]*)"/.exec(body)?.[1] ?? "no reason given";
  return new APIAuthError(
    `${provider.name} answered ${request.method} ${new URL(request.url).pathname} with 401 ("${
      scrub(detail, [token, ...provider.secrets()], 200)
    }") even to a new token: the app may lack this API (Schwab: add its API product); logging in won't help.`,
  );
}

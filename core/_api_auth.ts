// The pure parts of AuthSession.fetch: the request an API call makes (a relative path resolved
// against the provider's API base, the bearer token set), and the error for an API that keeps
// answering 401 to a token a refresh just replaced: a missing API product (Schwab's "Client not
// authorized"), not a dead session.

import { APIAuthError } from "./errors.ts";
import { joinURL, type Provider } from "./provider.ts";
import { scrub } from "./_redact.ts";

/**
 * The request for an API call: a path without a scheme is resolved against `provider.apiBaseURL`.
 * @example
 * ```ts
 * apiRequest(schwab({ ... }), "/trader/v1/accounts").url; // "https://api.schwabapi.com/trader/v1/accounts"
 * ```
 */
export function apiRequest(provider: Provider, input: string | URL | Request, init?: RequestInit): Request {
  return new Request(typeof input === "string" && !/^[a-z][a-z0-9+.-]*:/i.test(input) ? joinURL(provider.apiBaseURL, input) : input, init);
}

/**
 * `request` with `Authorization: Bearer <token>` (set on it: pass a clone to send it again).
 * @example
 * ```ts
 * await fetch(withBearer(request.clone(), token));
 * ```
 */
export function withBearer(request: Request, token: string): Request {
  request.headers.set("authorization", `Bearer ${token}`);
  return request;
}

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

// Maps an API error response to the Python library's exception classes (as its `_make_request` did).

import { ExdLmtError, ForbidError, GeneralError, NotFndError, NotNulError, ServerError, type TDError, TknExpError } from "./errors.ts";

/**
 * The Python library's class for an HTTP error status: 400 NotNulError, 401 TknExpError, 403 ForbidError,
 * 404 NotFndError, 429 ExdLmtError, 500/503 ServerError, any other ≥ 400 GeneralError.
 *
 * @example
 * ```ts
 * throw apiError(404, "GET /v1/accounts/1", await response.text());
 * ```
 */
export function apiError(status: number, what: string, body: string): TDError {
  const options = { status };
  switch (status) {
    case 400:
      return new NotNulError(`${what} was refused as invalid (HTTP 400): check the parameters.`, body, options);
    case 401:
      return new TknExpError(`${what} was refused (HTTP 401): the access token is expired or invalid.`, { status });
    case 403:
      return new ForbidError(`${what} is forbidden (HTTP 403): the app has no access to that account or data.`, body, options);
    case 404:
      return new NotFndError(`${what} found nothing (HTTP 404).`, body, options);
    case 429:
      return new ExdLmtError(`${what} was rate-limited (HTTP 429): at most 120 requests a minute; slow down.`, body, options);
    case 500:
    case 503:
      return new ServerError(`${what} failed on the server (HTTP ${status}); try again later.`, body, options);
    default:
      return new GeneralError(`${what} failed (HTTP ${status}).`, body, options);
  }
}

/**
 * One error hierarchy: every error tdauth throws is a `TDError` with a string `code`, so callers
 * narrow with `instanceof` or `err.code`. Messages never carry tokens, secrets, codes or verifiers.
 * @module
 */

/** Every code a {@link TDError} can carry. */
export type TDErrorCode =
  | "TOKEN_EXPIRED"
  | "FORBIDDEN"
  | "BAD_REQUEST"
  | "NOT_FOUND"
  | "RATE_LIMITED"
  | "SERVER_ERROR"
  | "API_ERROR"
  | "AUTHORIZATION_FAILED"
  | "TOKEN_RESPONSE_INVALID"
  | "TOKEN_REQUEST_FAILED"
  | "ILLEGAL_STATE"
  | "STORE_ERROR"
  | "LOCK_TIMEOUT"
  | "API_UNAUTHORIZED";

/** Options shared by the error constructors. */
export interface TDErrorOptions {
  /** The underlying error; it is not serialised by `toJSON`. */
  cause?: unknown;
  /** HTTP status of the response that caused the error, when there was one. */
  status?: number;
}

/**
 * Base class of every tdauth error.
 *
 * @example
 * ```ts
 * try { await session.accessToken(); }
 * catch (err) { if (err instanceof TDError && err.code === "TOKEN_EXPIRED") console.log("log in again"); }
 * ```
 */
export class TDError extends Error {
  // Declared, not defined: a field no response set stays absent rather than an own `undefined`.
  /** What went wrong, as a stable string to branch on. */
  declare readonly code: TDErrorCode;
  /** The HTTP status of the response behind the error, when there was one. */
  declare readonly status?: number;

  /**
   * Makes an error with a code callers can test.
   *
   * @param code What went wrong, for callers that branch on it.
   * @param message One line naming the problem and the fix; never a secret.
   * @param options The cause and the HTTP status, when there were any.
   */
  constructor(code: TDErrorCode, message: string, options: TDErrorOptions = {}) {
    const { cause, ...fields } = options;
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
    // The status, and an OAuth reply's error and error_description (the subclasses that carry
    // them pass them here), each only when it has a value.
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) (this as Record<string, unknown>)[key] = value;
  }

  /** Name, code, status and message only: the cause may hold a response body. */
  toJSON(): { name: string; code: TDErrorCode; status?: number; message: string } {
    // JSON leaves an undefined status out.
    return { name: this.name, code: this.code, message: this.message, status: this.status };
  }
}

/**
 * The session cannot produce a token without the user: log in again.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof TknExpError) await client.login(); }
 * ```
 */
export class TknExpError extends TDError {
  /** Makes a `TOKEN_EXPIRED` error. */
  constructor(message: string, options?: TDErrorOptions) {
    super("TOKEN_EXPIRED", message, options);
  }
}

/**
 * An API call got 401 with a token that a refresh had just replaced (or with a token that already
 * did so): the token is fine, the app may not call that API (Schwab: an API product is missing
 * from the app). Logging in again fixes nothing (and on Schwab ends the user's other sessions), so
 * no token request is made for this token again. The message carries the server's reason, scrubbed.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof APIAuthError) console.log("add the API product to the app:", err.message); }
 * ```
 */
export class APIAuthError extends TDError {
  /** Makes an `API_UNAUTHORIZED` error with status 401. */
  constructor(message: string) {
    super("API_UNAUTHORIZED", message, { status: 401 });
  }
}

/**
 * An error response of the brokerage API (not of its token endpoint): the status and a
 * (truncated) body, as the Python library's classes carried. The base of `ForbidError`,
 * `NotNulError`, `NotFndError`, `ExdLmtError`, `ServerError` and `GeneralError`.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof APIError) console.log(err.status, err.body); }
 * ```
 */
export abstract class APIError extends TDError {
  /** The response body as text, cut to 2,000 characters. */
  readonly body: string;
  /**
   * Makes an API error carrying the response body.
   *
   * @param code The code of the subclass.
   * @param message What failed.
   * @param body The response body (cut to 2,000 characters).
   * @param options The HTTP status and the cause.
   */
  constructor(code: TDErrorCode, message: string, body: string, options?: TDErrorOptions) {
    super(code, message, options);
    this.body = body.length > 2000 ? `${body.slice(0, 2000)}…` : body;
  }
}

/**
 * HTTP 403: the app has no access to that account or resource.
 * @example
 * ```ts
 * catch (err) { if (err instanceof ForbidError) console.log(err.status, err.body); }
 * ```
 */
export class ForbidError extends APIError {
  /** Makes a `FORBIDDEN` error; `body` is the response body. */
  constructor(message: string, body = "", options?: TDErrorOptions) {
    super("FORBIDDEN", message, body, options);
  }
}

/**
 * HTTP 400: a required value was missing or malformed (the Python library's "null value" error).
 * @example
 * ```ts
 * catch (err) { if (err instanceof NotNulError) console.log(err.body); }
 * ```
 */
export class NotNulError extends APIError {
  /** Makes a `BAD_REQUEST` error; `body` is the response body. */
  constructor(message: string, body = "", options?: TDErrorOptions) {
    super("BAD_REQUEST", message, body, options);
  }
}

/**
 * HTTP 404: nothing matched the request.
 * @example
 * ```ts
 * catch (err) { if (err instanceof NotFndError) console.log("no such account"); }
 * ```
 */
export class NotFndError extends APIError {
  /** Makes a `NOT_FOUND` error; `body` is the response body. */
  constructor(message: string, body = "", options?: TDErrorOptions) {
    super("NOT_FOUND", message, body, options);
  }
}

/**
 * HTTP 429: over the API's request limit (120 per minute).
 * @example
 * ```ts
 * catch (err) { if (err instanceof ExdLmtError) await new Promise((r) => setTimeout(r, 60_000)); }
 * ```
 */
export class ExdLmtError extends APIError {
  /** Makes a `RATE_LIMITED` error; `body` is the response body. */
  constructor(message: string, body = "", options?: TDErrorOptions) {
    super("RATE_LIMITED", message, body, options);
  }
}

/**
 * HTTP 500 or 503: the service failed.
 * @example
 * ```ts
 * catch (err) { if (err instanceof ServerError) console.log("retry later", err.status); }
 * ```
 */
export class ServerError extends APIError {
  /** Makes a `SERVER_ERROR` error; `body` is the response body. */
  constructor(message: string, body = "", options?: TDErrorOptions) {
    super("SERVER_ERROR", message, body, options);
  }
}

/**
 * Any other HTTP status of 400 or more.
 * @example
 * ```ts
 * catch (err) { if (err instanceof GeneralError) console.log(err.status); }
 * ```
 */
export class GeneralError extends APIError {
  /** Makes an `API_ERROR` error; `body` is the response body. */
  constructor(message: string, body = "", options?: TDErrorOptions) {
    super("API_ERROR", message, body, options);
  }
}

/**
 * A callback was refused: wrong or missing `state`, an `error=` from the server, no pending
 * authorization, or a timed-out login. No token request was made.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof AuthorizationError) console.log(err.error, err.message); }
 * ```
 */
export class AuthorizationError extends TDError {
  /** The OAuth `error` code when the server sent one (e.g. "access_denied"). */
  declare readonly error?: string;
  /** The server's `error_description`, when it sent one. */
  declare readonly error_description?: string;
  /** Makes an `AUTHORIZATION_FAILED` error; `options` may carry the OAuth `error` and `error_description`. */
  constructor(message: string, options?: TDErrorOptions & { error?: string; error_description?: string }) {
    super("AUTHORIZATION_FAILED", message, options);
  }
}

/**
 * The token endpoint answered with something that is not a usable token response (an HTML
 * "Access Denied" page, no `access_token`, a non-numeric `expires_in`). Stored tokens are untouched.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof TokenResponseError) console.log("try again shortly"); }
 * ```
 */
export class TokenResponseError extends TDError {
  /** Makes a `TOKEN_RESPONSE_INVALID` error. */
  constructor(message: string, options?: TDErrorOptions) {
    super("TOKEN_RESPONSE_INVALID", message, options);
  }
}

/**
 * The token endpoint refused a request with an OAuth error (RFC 6749 §5.2), or kept failing after
 * the bounded retries. Carries `error`, `error_description` and `status`.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof TokenRequestError && err.error === "invalid_grant") console.log("code expired?"); }
 * ```
 */
export class TokenRequestError extends TDError {
  /** The OAuth `error` code of the reply (e.g. "invalid_grant"), when there was one. */
  declare readonly error?: string;
  /** The server's `error_description`, when it sent one. */
  declare readonly error_description?: string;
  /** Makes a `TOKEN_REQUEST_FAILED` error; `options` may carry the OAuth `error` and `error_description`. */
  constructor(message: string, options?: TDErrorOptions & { error?: string; error_description?: string }) {
    super("TOKEN_REQUEST_FAILED", message, options);
  }
}

/**
 * An event that the current state does not allow (e.g. `complete()` with no pending login).
 * @example
 * ```ts
 * transition({ state: "unauthenticated" }, { type: "refreshed", tokens }, Date.now()); // throws StateError
 * ```
 */
export class StateError extends TDError {
  /** Makes an `ILLEGAL_STATE` error. */
  constructor(message: string, options?: TDErrorOptions) {
    super("ILLEGAL_STATE", message, options);
  }
}

/**
 * A token store could not be read or written (corrupt file, wrong key, permissions). Names the
 * place; the stored data is never overwritten because of it.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof StoreError) console.error(err.message); }
 * ```
 */
export class StoreError extends TDError {
  /** Makes a `STORE_ERROR` error. */
  constructor(message: string, options?: TDErrorOptions) {
    super("STORE_ERROR", message, options);
  }
}

/**
 * A lock was not acquired in time.
 * @example
 * ```ts
 * await lock.acquire({ timeoutMs: 5_000 }).catch((err) => { if (err instanceof LockTimeoutError) retryLater(); });
 * ```
 */
export class LockTimeoutError extends TDError {
  /** Makes a `LOCK_TIMEOUT` error. */
  constructor(message: string, options?: TDErrorOptions) {
    super("LOCK_TIMEOUT", message, options);
  }
}

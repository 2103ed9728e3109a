/**
 * tdauth: OAuth for the TD Ameritrade and Charles Schwab APIs (and any RFC 6749 server). Log in
 * once, then `session.accessToken()` or `session.fetch()` forever; refreshes happen once per
 * expiry across every process that shares the store and lock.
 *
 * @example
 * ```ts
 * import { AuthSession, schwab } from "tdauth";
 * const session = new AuthSession({ provider: schwab({ clientId, clientSecret, redirectURI: "https://127.0.0.1:8182" }) });
 * ```
 * @module
 */

export type { AuthState, Lock, LockAcquireOptions, Release, StoredTokens, TokenResponse, TokenStore } from "./types.ts";
export {
  AuthorizationError,
  ExdLmtError,
  ForbidError,
  GeneralError,
  LockTimeoutError,
  NotFndError,
  NotNulError,
  ServerError,
  StateError,
  StoreError,
  TDError,
  type TDErrorCode,
  type TDErrorOptions,
  TknExpError,
  TokenRequestError,
  TokenResponseError,
} from "./errors.ts";
export {
  AUTH_EVENTS,
  AUTH_STATES,
  type AuthEvent,
  type AuthSnapshot,
  deriveState,
  expiryReason,
  type PendingAuthorization,
  transition,
} from "./state_machine.ts";
export { checkRedirectURI, type Provider, type RefreshExpiryInput, type TokenGrant } from "./provider.ts";
export { tdAmeritrade, type TDAmeritradeOptions } from "./providers/td_ameritrade.ts";
export { schwab, type SchwabOptions } from "./providers/schwab.ts";
export { oauth2, type OAuth2Options } from "./providers/oauth2.ts";
export { type ParsedCallback, parseCallback } from "./callback.ts";
export { classifyTokenReply, isDeadGrantError, type TokenOutcome, tokensFromResponse } from "./token_response.ts";
export { requestToken, type RetryOptions, type TokenRequestContext } from "./token_request.ts";
export { apiError } from "./api_errors.ts";
export { MemoryStore } from "./memory_store.ts";
export { InProcessLock } from "./in_process_lock.ts";
export { AuthSession, type AuthSessionOptions, type CompleteOptions, type SessionEvent, type SessionStatus } from "./session.ts";
export { TDClient, type TDClientOptions } from "./td_client.ts";
export { TDAuth, type TDAuthOptions } from "./td_auth.ts";
export { type TDState, type TokenDict, toTDState, toTokenDict } from "./td_state.ts";
export { redact } from "./_redact.ts";

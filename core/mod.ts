/**
 * The core of `tdauth`: what Workers and browsers get for "tdauth" (package.json's "workerd",
 * "worker" and "browser" conditions of "."), and what Node, Deno and Bun get too, with
 * `TDClient` and `TDAuth` wired to the local runtime (`adapters/local/mod.ts`). Here those two
 * have no credentials file, terminal or local server of their own (pass `store` and `prompt`).
 * Nothing here reaches a `node:` import, so a Worker bundle needs no `nodejs_compat`.
 *
 * @example
 * ```ts
 * import { AuthSession, schwab } from "tdauth"; // in a Worker, this module
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
export { parseCallback, type ParsedCallback } from "./callback.ts";
export { classifyTokenReply, isDeadGrantError, type TokenOutcome, tokensFromResponse } from "./token_response.ts";
export { requestToken, type RetryOptions, type TokenRequestContext } from "./token_request.ts";
export { apiError } from "./api_errors.ts";
export { MemoryStore } from "./memory_store.ts";
export { InProcessLock } from "./in_process_lock.ts";
export { AuthSession, type AuthSessionOptions, type CompleteOptions, type SessionEvent, type SessionStatus } from "./session.ts";
export { TDClient, type TDClientOptions } from "./td_client.ts";
export { TDAuth, type TDAuthOptions } from "./td_auth.ts";
export type { ClientRuntime } from "./client_runtime.ts";
export { type TDState, type TokenDict, toTDState, toTokenDict } from "./td_state.ts";
export { redact } from "./_redact.ts";

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

// What a program uses: the session and its options, the providers, the stores and locks of the
// core and the interfaces adapters implement, the error classes, the pure state machine, and the
// Python library's TDClient and TDAuth. The README lists each; internals stay in their modules.
export {
  type AccessTokenOptions,
  AuthSession,
  type AuthSessionOptions,
  type CompleteOptions,
  type RefreshOptions,
  type SessionEvent,
  type SessionStatus,
} from "./session.ts";
export type { RetryOptions } from "./token_request.ts";
export type { RandomSource } from "./_random.ts";
export { tdAmeritrade, type TDAmeritradeOptions } from "./providers/td_ameritrade.ts";
export { schwab, type SchwabOptions } from "./providers/schwab.ts";
export { oauth2, type OAuth2Options } from "./providers/oauth2.ts";
export type { APIPaths, Provider, RefreshExpiryInput, TokenGrant } from "./provider.ts";
export { MemoryStore } from "./memory_store.ts";
export { InProcessLock } from "./in_process_lock.ts";
export type { AuthState, Lock, LockAcquireOptions, Release, StoredTokens, TokenResponse, TokenStore } from "./types.ts";
export {
  APIAuthError,
  APIError,
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
export { type AuthEvent, type AuthSnapshot, type PendingAuthorization, transition } from "./state_machine.ts";
// CoreTDClient and CoreTDAuth: the same classes under second names (types only), because on Node,
// Deno and Bun "tdauth" exports subclasses wired to the local runtime as TDClient and TDAuth, and
// a documented class must extend a public one.
export { TDClient, type TDClient as CoreTDClient, type TDClientOptions } from "./td_client.ts";
export { TDAuth, type TDAuth as CoreTDAuth, type TDAuthOptions } from "./td_auth.ts";
export type { ClientRuntime } from "./client_runtime.ts";
export type { TDState, TokenDict } from "./td_state.ts";

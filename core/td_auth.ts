/**
 * `TDAuth`: the Python library's `FlaskTDAuth`, the OAuth helper behind its callback server.
 * @module
 */

import type { Provider } from "./provider.ts";
import { tdAmeritrade } from "./providers/td_ameritrade.ts";
import { MemoryStore } from "./memory_store.ts";
import { type ClientRuntime, noLocalRuntime } from "./client_runtime.ts";
import { AuthSession } from "./session.ts";
import { type TDState, type TokenDict, toTDState, toTokenDict } from "./td_state.ts";
import { tokensFromResponse } from "./token_response.ts";
import type { Lock, TokenStore } from "./types.ts";

/**
 * Options of {@link TDAuth}.
 * @example
 * ```ts
 * const options: TDAuthOptions = { clientId: "APPKEY", redirectURI: "https://127.0.0.1:5000/login/callback" };
 * ```
 */
export interface TDAuthOptions {
  /** The app key; with `redirectURI`, makes a `tdAmeritrade()` provider when `provider` is not given. */
  clientId?: string;
  /** The registered callback URL (the Python library's `redirect_uri`). */
  redirectURI?: string;
  /** Save tokens to this file (a `FileStore`); default in memory only. */
  credentialsPath?: string;
  /** Where tokens go; takes precedence over `credentialsPath`. */
  store?: TokenStore;
  /** A profile other than TD Ameritrade, e.g. `schwab({...})`. */
  provider?: Provider;
  /** Sends the token requests; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** The clock, epoch milliseconds; default `Date.now`. */
  now?: () => number;
}

/**
 * The Python library's `FlaskTDAuth`.
 *
 * @example
 * ```ts
 * const auth = new TDAuth({ clientId: "APPKEY", redirectURI: "https://127.0.0.1:5000/login/callback" });
 * const { url } = await auth.authorizationURL();
 * // ...the browser comes back to the callback with ?code=...&state=...
 * const tokens = await auth.grabAccessTokenAndRefreshToken(callbackURL);
 * ```
 */
export class TDAuth {
  /** The provider profile: the one given, else `tdAmeritrade()` from `clientId` and `redirectURI`. */
  readonly provider: Provider;
  #options: TDAuthOptions;
  #session: Promise<AuthSession> | undefined;
  #runtime: ClientRuntime;

  /** `runtime` is what `tdauth` passes on Node, Deno and Bun (the credentials file). */
  constructor(options: TDAuthOptions = {}, runtime: ClientRuntime = noLocalRuntime) {
    this.#runtime = runtime;
    this.#options = options;
    this.provider = options.provider ?? tdAmeritrade({ clientId: options.clientId as string, redirectURI: options.redirectURI as string });
  }

  /** The underlying session. */
  session(): Promise<AuthSession> {
    this.#session ??= (async () => {
      let store = this.#options.store;
      let lock: Lock | undefined;
      if (!store && this.#options.credentialsPath) {
        ({ store, lock } = await this.#runtime.fileStore(this.#options.credentialsPath, false));
      }
      return new AuthSession({
        provider: this.provider,
        store: store ?? new MemoryStore(),
        ...(lock ? { lock } : {}),
        ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
        ...(this.#options.now ? { now: this.#options.now } : {}),
      });
    })();
    return this.#session;
  }

  /** The authorization URL and its `state` (the Python library returned the pair as a tuple). */
  async authorizationURL(): Promise<{ url: string; state: string }> {
    return await (await this.session()).authorize();
  }

  /** Exchanges the callback URL's code, saves the tokens and returns the token dict. */
  async grabAccessTokenAndRefreshToken(url: string): Promise<TokenDict> {
    const session = await this.session();
    await session.complete(url);
    return toTokenDict((await session.tokens())!, this.#now());
  }

  /** Refreshes and renews the refresh token (`access_type=offline`); returns the token dict. */
  async grabRefreshToken(): Promise<TokenDict> {
    const session = await this.session();
    await session.refresh({ newRefreshToken: true });
    return toTokenDict((await session.tokens())!, this.#now());
  }

  /** Stores a token response; returns the state dict, or false when it has no access token. */
  async saveToken(tokenDict: Partial<TokenDict>): Promise<TDState | false> {
    if (!tokenDict || typeof tokenDict.access_token !== "string" || tokenDict.access_token === "") return false;
    const session = await this.session();
    const previous = await session.tokens();
    const response = { ...tokenDict, access_token: tokenDict.access_token, expires_in: Number(tokenDict.expires_in ?? Number.NaN) };
    const tokens = tokensFromResponse(response, { now: this.#now(), provider: this.provider, previous });
    await session.saveTokens(tokens);
    return toTDState(tokens);
  }

  /** Same as `saveToken`, for the Python library's name of the write step. */
  async saveState(tokenDict: Partial<TokenDict>): Promise<void> {
    await this.saveToken(tokenDict);
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

/**
 * `TDClient`: the Python `td` library's client, in TypeScript, with the bugs its docs did not
 * promise fixed (a failed exchange throws; logout clears; a 401 refreshes and retries).
 * @module
 */

import { apiError } from "./api_errors.ts";
import { TknExpError } from "./errors.ts";
import type { APIPaths, Provider } from "./provider.ts";
import { tdAmeritrade } from "./providers/td_ameritrade.ts";
import { type ClientRuntime, noLocalRuntime } from "./client_runtime.ts";
import { AuthSession, type AuthSessionOptions } from "./session.ts";
import { type TDState, type TokenDict, toTDState, toTokenDict } from "./td_state.ts";
import type { Lock, TokenStore } from "./types.ts";
import { InProcessLock } from "./in_process_lock.ts";

/**
 * Options of {@link TDClient}: the Python library's arguments, camel-cased, plus injection points.
 * @example
 * ```ts
 * const options: TDClientOptions = { clientId: "APPKEY", redirectURI: "https://127.0.0.1", credentialsPath: "./td_state.json" };
 * ```
 */
export interface TDClientOptions {
  /** The app key; with `redirectURI`, makes a `tdAmeritrade()` provider when `provider` is not given. */
  clientId?: string;
  /** The registered callback URL (the Python library's `redirect_uri`). */
  redirectURI?: string;
  /** The Python library's `account_number`, kept in `options` for parity; `getAccounts({ account })` picks the account to read. */
  accountNumber?: string;
  /** Default `~/.td_python_api/td_state.json` (`TDAUTH_HOME` overrides the folder). Ignored when `store` is given. */
  credentialsPath?: string;
  /** "default": print the URL, read the pasted redirect URL; "flask": run the local callback server. */
  authFlow?: "default" | "flask";
  /**
   * Share the session safely between processes: a `FileLock` beside the credentials file (or the
   * given store's own lock). Default false: only this process's sessions share a lock.
   */
  multiprocessingSafe?: boolean;
  /** A profile other than TD Ameritrade, e.g. `schwab({...})` or one pointed at the emulator. */
  provider?: Provider;
  /** Where tokens go instead of the credentials file. */
  store?: TokenStore;
  /** The lock around refreshes; default as `multiprocessingSafe` says. */
  lock?: Lock;
  /** Sends the token requests and API calls; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** The clock, epoch milliseconds; default `Date.now`. */
  now?: () => number;
  /** Reads the pasted redirect URL; default: a line from standard input. */
  prompt?: (message: string) => Promise<string>;
  /** Where messages go; default `console.log`. */
  log?: (line: string) => void;
  /** The "flask" flow opens the browser unless this is false. */
  openBrowser?: boolean;
  /** Passed through to the session (e.g. `refreshAheadMs`). */
  session?: Partial<Omit<AuthSessionOptions, "provider" | "store" | "lock" | "fetch" | "now">>;
}

/**
 * The Python library's `TDClient`.
 *
 * @example
 * ```ts
 * const client = new TDClient({ clientId: "APPKEY", redirectURI: "https://127.0.0.1", credentialsPath: "./td_state.json" });
 * await client.login();
 * console.log(await client.getQuotes(["MSFT"]));
 * ```
 */
export class TDClient {
  /** The options the client was made with (a copy). */
  readonly options: Readonly<TDClientOptions>;
  /** The provider profile: the one given, else `tdAmeritrade()` from `clientId` and `redirectURI`. */
  readonly provider: Provider;
  #session: Promise<AuthSession> | undefined;
  #log: (line: string) => void;
  #runtime: ClientRuntime;

  /** `runtime` is what `tdauth` passes on Node, Deno and Bun (files, terminal, local server). */
  constructor(options: TDClientOptions = {}, runtime: ClientRuntime = noLocalRuntime) {
    this.#runtime = runtime;
    this.options = { ...options };
    this.provider = options.provider ??
      tdAmeritrade({ clientId: options.clientId as string, redirectURI: options.redirectURI as string });
    if (options.authFlow !== undefined && options.authFlow !== "default" && options.authFlow !== "flask") {
      throw new TypeError(`authFlow must be "default" or "flask", not "${options.authFlow}".`);
    }
    this.#log = options.log ?? ((line) => console.log(line));
  }

  /** The underlying session (made on first use, since opening the credentials file is async). */
  session(): Promise<AuthSession> {
    this.#session ??= this.#makeSession();
    return this.#session;
  }

  async #makeSession(): Promise<AuthSession> {
    const o = this.options;
    let store = o.store;
    let lock = o.lock;
    if (!store) {
      const local = await this.#runtime.fileStore(o.credentialsPath, o.multiprocessingSafe === true && !lock);
      store = local.store;
      lock ??= local.lock;
    }
    // Without multiprocessingSafe, as in the Python library, only this process's sessions share a
    // lock, even on a store that brings a cross-process one (a FileStore's FileLock).
    if (o.multiprocessingSafe !== true) lock ??= InProcessLock.for(store.lockKey ?? store);
    return new AuthSession({
      ...o.session,
      provider: this.provider,
      store,
      ...(lock ? { lock } : {}),
      ...(o.fetch ? { fetch: o.fetch } : {}),
      ...(o.now ? { now: o.now } : {}),
    });
  }

  /**
   * Logs in: silently with the stored tokens when they still work, else through the chosen flow.
   * Resolves true on success; throws (never reports success) when the login failed.
   */
  async login(): Promise<boolean> {
    const session = await this.session();
    const status = await session.status();
    if (status.state === "authenticated") {
      try {
        await session.accessToken();
        return true;
      } catch (error) {
        if (!(error instanceof TknExpError)) throw error;
      }
    }
    if (this.options.authFlow === "flask") {
      await this.#runtime.browserLogin(session, { openBrowser: this.options.openBrowser !== false, log: this.#log });
      return true;
    }
    const url = await this.grabURL();
    this.#log(`Please go to URL provided authorize your account: ${url}`);
    const pasted = await (this.options.prompt ?? this.#runtime.prompt)("Paste the full URL redirect here: ");
    await session.complete(pasted);
    return true;
  }

  /** Clears the stored tokens (the Python library's `logout()` only forgot them in memory). */
  async logout(): Promise<void> {
    await (await this.session()).logout();
  }

  /** Refreshes the access token now and returns the Python library's state dict. */
  async grabAccessToken(): Promise<TDState> {
    const session = await this.session();
    await session.refresh({ force: true });
    return toTDState(await session.tokens());
  }

  /** Renews the refresh token too (TD's `access_type=offline`) and returns the state dict. */
  async grabRefreshToken(): Promise<TDState> {
    const session = await this.session();
    await session.refresh({ newRefreshToken: true });
    return toTDState(await session.tokens());
  }

  /** Starts a login and returns the URL to open. */
  async grabURL(): Promise<string> {
    return (await (await this.session()).authorize()).url;
  }

  /**
   * Exchanges the code (or the whole redirect URL) from the login started by `grabURL()`, saves
   * the tokens and returns the token dict. Throws when the exchange fails.
   */
  async exchangeCodeForToken(options: { code: string; returnRefreshToken?: boolean }): Promise<TokenDict> {
    const session = await this.session();
    await session.complete(options.code, { offline: options.returnRefreshToken !== false });
    return toTokenDict((await session.tokens())!, (this.options.now ?? Date.now)());
  }

  /** Quotes for one or more symbols (TD `symbol=`, Schwab `symbols=`). */
  async getQuotes(instruments: string[]): Promise<Record<string, unknown>> {
    if (!Array.isArray(instruments) || instruments.length === 0 || instruments.some((s) => typeof s !== "string" || s === "")) {
      throw new TypeError('instruments must be a non-empty array of symbols, e.g. ["MSFT", "AAPL"].');
    }
    return await this.#get(`${this.#paths().quotes}${encodeURIComponent(instruments.join(","))}`) as Record<string, unknown>;
  }

  /** All accounts, or one (`account`: the account number), with optional `fields` ("positions", "orders"). */
  async getAccounts(options: { account?: string; fields?: string[] } = {}): Promise<unknown> {
    const paths = this.#paths();
    const account = options.account ?? "all";
    const query = options.fields?.length ? `?fields=${encodeURIComponent(options.fields.join(","))}` : "";
    if (account === "all") return await this.#get(`${paths.accounts}${query}`);
    let id = account;
    if (paths.accountNumbers) {
      // Schwab addresses accounts by an opaque hash, not the number users know.
      const numbers = await this.#get(paths.accountNumbers) as Array<{ accountNumber: string; hashValue: string }>;
      id = numbers.find((n) => n.accountNumber === account)?.hashValue ?? account;
    }
    return await this.#get(`${paths.accounts}/${encodeURIComponent(id)}${query}`);
  }

  #paths(): APIPaths {
    const paths = this.provider.apiPaths;
    if (!paths) {
      throw new TypeError(
        `TDClient knows no market-data or account endpoints of ${this.provider.name}: call (await client.session()).fetch() with its API's paths.`,
      );
    }
    return paths;
  }

  async #get(path: string): Promise<unknown> {
    const session = await this.session();
    const response = await session.fetch(path);
    const text = await response.text();
    if (!response.ok) throw apiError(response.status, `GET ${path.split("?")[0]}`, text);
    return text === "" ? null : JSON.parse(text);
  }
}

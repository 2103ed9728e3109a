/**
 * `tdauth/worker`: a Cloudflare Worker that logs in, keeps the tokens in Workers KV, refreshes
 * them from a Cron Trigger, and hands a valid access token to trusted backends.
 *
 * Routes: `GET /login` (a form asking for the admin secret) → `POST /login` (checks it, keeps the
 * pending state and PKCE verifier in an encrypted HttpOnly cookie, 303 to the provider) →
 * the callback (the redirect URI's path and `/login/callback`: checks the cookie, exchanges,
 * stores). `GET /`, `GET /token` and `POST /login/refresh` need `Authorization: Bearer <secret>`.
 *
 * Why a form: a browser cannot send an Authorization header from a link, the secret must not ride
 * in a URL (history, logs), and the cookie must land in the browser that will come back from the
 * provider. `POST /login` also takes the Bearer header, for scripts that follow the redirect
 * themselves with the cookie (curl -i prints both); a browser handed that URL has no cookie and
 * its callback is refused. A callback needs no secret: the cookie is the proof.
 *
 * Workers KV is eventually consistent and has no compare-and-set, so no lock can live there: let
 * the cron (one invocation at a time) do the refreshing, or bind a Durable Object: with a
 * `TDAuthDurableObject` (from `tdauth/durable-object`) bound as `TDAUTH_DO`, the tokens and a
 * refresh lease live there instead, and however many isolates serve `/token`, each expiry brings
 * one refresh. A Worker with the Durable Object needs no KV namespace.
 *
 * @example
 * ```ts
 * import { schwab } from "tdauth"; // the core alone in a Worker: no nodejs_compat needed
 * import { createWorker } from "tdauth/worker";
 * export default createWorker({
 *   provider: (env) => schwab({ clientId: env.APP_KEY as string, clientSecret: env.APP_SECRET as string, redirectURI: "https://auth.example.workers.dev/callback" }),
 * });
 * ```
 * @module
 */

import { AuthorizationError, TDError, TknExpError, TokenRequestError } from "../../core/errors.ts";
import { constantTimeEqual, cryptoRandom, hex, randomString } from "../../core/_random.ts";
import { parseCallback } from "../../core/callback.ts";
import { foreignCallback } from "../../core/callback_check.ts";
import type { Provider } from "../../core/provider.ts";
import { AuthSession } from "../../core/session.ts";
import type { PendingAuthorization } from "../../core/state_machine.ts";
import type { KVNamespaceLike } from "../kv/kv.ts";
import { durableObjectStorage, kvStorage, type TokenStorage } from "./_storage.ts";
import { errorPage, successPage } from "../_shared/pages.ts";
import { securityHeaders } from "../_shared/headers.ts";
import { parseKey } from "../_shared/key.ts";
import { openPending, readCookie, sealPending, setCookie } from "./_cookie.ts";
import { loginFormPage } from "./_login_form.ts";
import { remind } from "./_reminder.ts";
import { BindingError, durableObjectBinding, kvBinding, secretBinding } from "./_bindings.ts";

/**
 * A Worker's bindings: KV namespaces, secrets, variables.
 * @example
 * ```ts
 * const provider = (env: WorkerEnv) => schwab({ clientId: env.APP_KEY as string, clientSecret: env.APP_SECRET as string, redirectURI });
 * ```
 */
export type WorkerEnv = Record<string, unknown>;

/**
 * The parts of `ExecutionContext` the Worker uses.
 * @example
 * ```ts
 * const ctx: WorkerContext = { waitUntil: () => {} }; // for calling the handlers in tests
 * ```
 */
export interface WorkerContext {
  /** Keeps the Worker alive until `promise` settles, after the response has gone. */
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * Options of {@link createWorker}.
 * @example
 * ```ts
 * const options: CreateWorkerOptions = { provider: (env) => schwab({ ... }), kvBinding: "TOKENS" };
 * ```
 */
export interface CreateWorkerOptions {
  /** The provider, or a function of the Worker's env (to read the app secret from a Worker secret). */
  provider: Provider | ((env: WorkerEnv) => Provider);
  /** Workers KV binding holding the tokens; default "TOKENS". Not needed when the Durable Object binding is there. */
  kvBinding?: string;
  /**
   * Durable Object namespace binding of a `TDAuthDurableObject` (from `tdauth/durable-object`);
   * default "TDAUTH_DO". When the Worker has it, the tokens and a refresh lease live there (one
   * refresh per expiry across isolates) and the KV binding is not used.
   */
  durableObjectBinding?: string;
  /** Secret binding with the admin bearer secret; default "ADMIN_SECRET". */
  secretBinding?: string;
  /** Secret binding with the 32-byte cookie key (base64 or hex); default "TDAUTH_KEY". */
  keyBinding?: string;
  /** KV key of the tokens; default "tdauth:tokens". */
  tokenKey?: string;
  /** How long before expiry the cron refreshes; default 10 minutes (a 5-minute cron never lets a token lapse). */
  refreshAheadMs?: number;
  /**
   * Binding with a webhook URL (a secret) the cron posts to once a day while a re-login is due,
   * and once when the session has ended, with this Worker's /login URL; default "NOTIFY_URL".
   * A "NOTIFY_FORMAT" binding (ntfy, slack, discord, json) overrides the format the host implies.
   */
  notifyBinding?: string;
  /** For tests: the session's fetch. */
  fetch?: typeof fetch;
}

/**
 * The Worker's handlers.
 * @example
 * ```ts
 * export default createWorker({ provider }) satisfies TDAuthWorker;
 * ```
 */
export interface TDAuthWorker {
  /** The Worker's `fetch` handler: the login form, the callback, and the admin routes (`/`, `/token`, `/login/refresh`). */
  fetch(request: Request, env: WorkerEnv, ctx?: WorkerContext): Promise<Response>;
  /** The Worker's `scheduled` handler (a Cron Trigger): refreshes the tokens when they are within `refreshAheadMs` of expiry. */
  scheduled(event: unknown, env: WorkerEnv, ctx?: WorkerContext): Promise<void>;
}

/** What the Worker keeps per token binding (Durable Object namespace or KV namespace) within one isolate. */
interface Isolate {
  session: AuthSession;
  newSession: () => AuthSession;
  firstUse: TokenStorage["firstUse"];
  notice: TokenStorage["notice"];
}

const PENDING_MAX_AGE_S = 600;
/** No terminal waits for a Worker's login: the page says who holds the session now. */
const WORKER_NEXT =
  "This Worker holds the session now: its cron refreshes the tokens, and your backends get an access token from /token with the admin secret. You can close this tab.";
/** The callback app's security headers; the Worker's pages run no script, so the nonce allows none. */
const secure = (formTargets?: readonly string[]): Record<string, string> => securityHeaders(randomString(cryptoRandom, 16), formTargets);

function html(body: string, status = 200, headers: Record<string, string> = {}, formTargets?: readonly string[]): Response {
  return new Response(body, { status, headers: { ...secure(formTargets), "content-type": "text/html; charset=utf-8", ...headers } });
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...secure(), "content-type": "application/json" } });
}

/** A hash of the state, so KV keys never hold the value itself. */
async function digest(text: string): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).subarray(0, 16));
}

/**
 * Makes the Worker.
 *
 * @example
 * ```ts
 * export default createWorker({ provider: tdAmeritrade({ clientId: "APPKEY", redirectURI: "https://auth.example.workers.dev/callback" }) });
 * ```
 */
export function createWorker(options: CreateWorkerOptions): TDAuthWorker {
  if (!options?.provider) throw new TypeError("createWorker needs { provider }: a provider, or (env) => provider.");
  const kvName = options.kvBinding ?? "TOKENS";
  const doName = options.durableObjectBinding ?? "TDAUTH_DO";
  const secretName = options.secretBinding ?? "ADMIN_SECRET";
  const keyName = options.keyBinding ?? "TDAUTH_KEY";
  const isolates = new WeakMap<object, Isolate>();

  // Per binding object: one store (so every session here shares its lock) and one long-lived
  // session for status, tokens and refreshes, which never holds a pending login. The Durable
  // Object, when bound, keeps the tokens and its lease is the session's lock (the store's default).
  const isolateFor = (env: WorkerEnv): Isolate => {
    const durable = durableObjectBinding(env, doName);
    if (!durable && (env[kvName] === undefined || env[kvName] === null || env[kvName] === "")) {
      throw new BindingError(
        `The Worker has neither a Durable Object binding "${doName}" nor a KV namespace binding "${kvName}" for the tokens: add one to wrangler.toml (with several isolates, the Durable Object).`,
      );
    }
    const binding: object = durable ?? kvBinding(env, kvName);
    let isolate = isolates.get(binding);
    if (!isolate) {
      const provider = providerFor(env);
      const { store, firstUse, notice } = durable
        ? durableObjectStorage(durable)
        : kvStorage(binding as KVNamespaceLike, options.tokenKey ?? "tdauth:tokens");
      const newSession = (): AuthSession =>
        new AuthSession({
          provider,
          store,
          refreshAheadMs: options.refreshAheadMs ?? 600_000,
          loginOrigin: { loginHost: new URL(provider.redirectURI).host, loginTool: "tdauth/worker" },
          ...(options.fetch ? { fetch: options.fetch } : {}),
        });
      isolate = { session: newSession(), newSession, firstUse, notice };
      isolates.set(binding, isolate);
    }
    return isolate;
  };
  const providerFor = (env: WorkerEnv): Provider => {
    if (typeof options.provider !== "function") return options.provider;
    try {
      return options.provider(env);
    } catch (error) {
      // The providers check their settings up front with a TypeError naming the setting.
      if (!(error instanceof TypeError)) throw error;
      throw new BindingError(`The provider could not be made from the Worker's bindings: ${error.message}`);
    }
  };
  const sessionFor = (env: WorkerEnv): AuthSession => isolateFor(env).session;
  const isAdmin = (request: Request, env: WorkerEnv, formSecret?: string): boolean => {
    const secret = secretBinding(env, secretName);
    // RFC 9110: the scheme name is case-insensitive.
    const header = /^bearer +(\S+) *$/i.exec(request.headers.get("authorization") ?? "");
    const given = formSecret ?? header?.[1] ?? "";
    return given !== "" && constantTimeEqual(given, secret);
  };
  const unauthorized = (): Response =>
    new Response("Unauthorized: send Authorization: Bearer <ADMIN_SECRET>.", {
      status: 401,
      headers: { ...secure(), "www-authenticate": 'Bearer realm="tdauth"' },
    });
  // The login form posts here and is redirected to the provider's login: both must be form targets.
  const loginTargets = (env: WorkerEnv): string[] => [new URL(sessionFor(env).provider.authorizationURL({ state: "" })).origin];
  const key = (env: WorkerEnv): Uint8Array => {
    const text = secretBinding(env, keyName);
    try {
      return parseKey(text, `The Worker's binding "${keyName}"`);
    } catch (error) {
      throw new BindingError(`${(error as Error).message}; set it with \`wrangler secret put ${keyName}\`.`);
    }
  };

  const callback = async (request: Request, env: WorkerEnv): Promise<Response> => {
    const sealed = readCookie(request);
    const clear = { "set-cookie": setCookie("", 0) };
    if (!sealed) {
      return html(
        errorPage("Login failed", "No login was started in this browser (or it expired): open /login and start again.", ""),
        400,
        clear,
      );
    }
    const cookieKey = key(env);
    let pending: PendingAuthorization;
    try {
      pending = await openPending(sealed, cookieKey, Date.now());
    } catch {
      return html(errorPage("Login failed", "The login cookie could not be read: open /login and start again.", ""), 400, clear);
    }
    // A hit whose state is not this browser's login (a page navigating the admin to a forged
    // callback) is refused without touching the cookie, so it cannot end the real login.
    let foreign: string | undefined;
    try {
      foreign = foreignCallback(parseCallback(request.url), pending);
    } catch (error) {
      if (!(error instanceof AuthorizationError)) throw error;
      foreign = error.message;
    }
    if (foreign !== undefined) return html(errorPage("Login refused", foreign, ""), 400);
    const { firstUse, newSession } = isolateFor(env);
    // A pending login is single-use: a replayed callback with a copied cookie would present a
    // spent code, and a strict server answers that by revoking the tokens it gave for it. Marked
    // before the exchange to narrow the window for concurrent replays.
    if (!(await firstUse(`tdauth:login-used:${await digest(pending.state)}`, PENDING_MAX_AGE_S))) {
      return html(errorPage("Login failed", "This login was already completed: open /login to start a new one.", ""), 400, clear);
    }
    // A session of its own, so the pending login (and its verifier) never sits in the shared one.
    const session = newSession();
    try {
      const status = await session.complete(request.url, { pending });
      // The shared session may cache the tokens this login replaced; make it read the new ones.
      await sessionFor(env).status();
      return html(successPage(status, session.provider.name, false, Date.now(), "", WORKER_NEXT), 200, clear);
    } catch (error) {
      // The server refusing the code (e.g. invalid_grant) is the caller's problem too: 400.
      const code = error instanceof AuthorizationError || (error instanceof TokenRequestError && error.error !== undefined)
        ? 400
        : error instanceof TDError
        ? 502
        : 500;
      const message = error instanceof TDError ? error.message : "The login failed unexpectedly.";
      return html(errorPage("Login failed", message, ""), code, clear);
    }
  };

  const startLogin = async (request: Request, env: WorkerEnv): Promise<Response> => {
    const form = await request.formData().catch(() => undefined);
    const secret = form?.get("secret");
    if (!isAdmin(request, env, typeof secret === "string" ? secret : undefined)) {
      return html(loginFormPage("Wrong admin secret."), 401, { "www-authenticate": 'Bearer realm="tdauth"' }, loginTargets(env));
    }
    // A throwaway session: the shared one must not turn "authorizing" (the cron and status would
    // stop seeing a logged-in Worker) and the verifier belongs only in the cookie.
    const session = isolateFor(env).newSession();
    const { url } = await session.authorize();
    const sealed = await sealPending(session.pendingAuthorization()!, key(env), PENDING_MAX_AGE_S, Date.now());
    return new Response(null, { status: 303, headers: { ...secure(), location: url, "set-cookie": setCookie(sealed, PENDING_MAX_AGE_S) } });
  };

  return {
    async fetch(request, env, ctx) {
      try {
        return await route(request, env, ctx);
      } catch (error) {
        // A missing or malformed binding fails closed, naming the binding (never its value) for
        // whoever is setting the Worker up.
        if (error instanceof BindingError) {
          console.error(`tdauth: ${error.message}`);
          return html(errorPage("The login Worker is not configured", error.message, ""), 500);
        }
        throw error;
      }
    },
    async scheduled(_event, env) {
      const { session, notice } = isolateFor(env);
      let status = await session.status();
      // refresh() waits for the refresh: accessToken() would hand out the token and refresh in the
      // background, which the Workers runtime may cut short once this handler returns.
      if (status.state === "authenticated") {
        try {
          status = await session.refresh();
        } catch (error) {
          // The server ended the session: the reminder below says so.
          if (!(error instanceof TknExpError)) throw error;
          status = await session.status();
        }
      }
      const urlBinding = options.notifyBinding ?? "NOTIFY_URL";
      await remind(env, notice, status, session.provider, { urlBinding, formatBinding: "NOTIFY_FORMAT" });
    },
  };

  // Hoisted, so the handler object above can call it.
  async function route(request: Request, env: WorkerEnv, ctx?: WorkerContext): Promise<Response> {
    const url = new URL(request.url);
    const session = sessionFor(env);
    const callbackPath = new URL(session.provider.redirectURI).pathname;
    if (
      request.method === "GET" && (url.pathname === callbackPath || url.pathname === "/login/callback") &&
      (url.searchParams.has("code") || url.searchParams.has("error"))
    ) {
      return await callback(request, env);
    }
    if (url.pathname === "/login") {
      if (request.method === "GET") return html(loginFormPage(), 200, {}, loginTargets(env));
      if (request.method === "POST") return await startLogin(request, env);
      return new Response("Method not allowed.", { status: 405, headers: { ...secure(), allow: "GET, POST" } });
    }
    if (!["/", "/token", "/login/refresh"].includes(url.pathname)) return new Response("Not found.", { status: 404, headers: secure() });
    if (!isAdmin(request, env)) return unauthorized();
    try {
      if (url.pathname === "/") return json(await session.status());
      if (url.pathname === "/token") {
        // Read the store first: the cron (maybe in another isolate) may have refreshed, and the
        // expiry reported must be the one of the token handed out.
        await session.status();
        const token = await session.accessToken();
        const stored = await session.tokens();
        // In the advisory window accessToken() hands out the token and refreshes in the
        // background, which the Workers runtime cuts off once the response is sent: waitUntil
        // keeps the request alive until that refresh (which refresh() joins) has ended.
        if (stored && stored.accessExpiresAt - Date.now() <= session.refreshAheadMs) {
          ctx?.waitUntil(session.refresh().catch(() => undefined));
        }
        return json({ accessToken: token, tokenType: stored?.tokenType ?? "Bearer", expiresAt: stored?.accessExpiresAt });
      }
      if (request.method !== "POST") {
        return new Response("Method not allowed: POST.", { status: 405, headers: { ...secure(), allow: "POST" } });
      }
      return json(await session.refresh({ force: true }));
    } catch (error) {
      if (error instanceof TDError) return json({ error: error.code, message: error.message }, error.code === "TOKEN_EXPIRED" ? 409 : 502);
      throw error;
    }
  }
}

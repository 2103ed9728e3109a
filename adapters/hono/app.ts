/**
 * The callback app: the Python library's Flask routes (`/`, `/login`, `/login/callback`, `/login/refresh`,
 * `/shutdown`) plus the path of the provider's redirect URI, as a Hono app.
 * @module
 */

import { type Context, Hono } from "hono";
import { AuthorizationError, TDError } from "../../core/errors.ts";
import type { AuthSession } from "../../core/session.ts";
import type { SessionStatus } from "../../core/session_types.ts";
import type { TDClient } from "../../core/td_client.ts";
import { loopbackHostOnly, randomToken, sameSecret, secureResponses } from "./_guard.ts";
import { errorPage, statusPage, successPage } from "../_shared/pages.ts";
import { timeoutMs } from "../_shared/options.ts";
import { SESSION_DEFAULTS } from "../../core/_session_settings.ts";

/**
 * Options of {@link createAuthApp}: a session, or a `TDClient` (its session is used).
 * @example
 * ```ts
 * const options: AuthAppOptions = { session };
 * ```
 */
export interface AuthAppOptions {
  /** The session whose login the app serves. */
  session?: AuthSession;
  /** A `TDClient` instead of `session`: its session is used (made on the first request). */
  client?: TDClient;
  /** The token the POST routes require; default a fresh random one per app. */
  runToken?: string;
  /**
   * How long a pending login is protected from being replaced by a `/login` that another site
   * sent the browser to; default 300 000 (5 min), the session's own `authorizationTimeoutMs`
   * default. Set both together.
   */
  authorizationTimeoutMs?: number;
}

/**
 * What `run()` and tests need to drive an app.
 * @example
 * ```ts
 * app.tdauth.onShutdown(() => console.log("bye")); // and app.tdauth.runToken for the POST forms
 * ```
 */
export interface AuthAppControl {
  /** The per-run token embedded in the status page's forms. */
  readonly runToken: string;
  /** The port the app is served on; set by `run()`, checked against the Host header. */
  port: number | undefined;
  /** The session the app serves (the client's, made on first use, when the app was given a `TDClient`). */
  session(): Promise<AuthSession>;
  /** Called after each successful callback. */
  onLogin(listener: (status: SessionStatus) => void): void;
  /** Called when a callback ends a pending login with an error. */
  onLoginFailed(listener: (error: Error) => void): void;
  /** Called when `/shutdown` is posted. */
  onShutdown(listener: () => void): void;
}

/**
 * A Hono app with its control handle.
 * @example
 * ```ts
 * const app: AuthApp = createAuthApp({ session });
 * app.tdauth.onLogin((status) => console.log(status.state));
 * ```
 */
export type AuthApp = Hono<{ Variables: { nonce: string } }> & { readonly tdauth: AuthAppControl };

type Ctx = Context<{ Variables: { nonce: string } }>;

/**
 * Makes the callback app. Serve it with `run()`; on a Worker use `tdauth/worker` instead.
 *
 * @example
 * ```ts
 * import { createAuthApp, run } from "tdauth/hono";
 * const app = createAuthApp({ session });
 * const { status } = await run(app, { closeAfter: true });
 * ```
 */
export function createAuthApp(options: AuthAppOptions): AuthApp {
  if (!options?.session && !options?.client) throw new TypeError("createAuthApp needs { session } or { client }.");
  const getSession = async (): Promise<AuthSession> => options.session ?? await options.client!.session();
  const pendingMs = timeoutMs(options.authorizationTimeoutMs ?? SESSION_DEFAULTS.authorizationTimeoutMs, "options.authorizationTimeoutMs");
  const login: Array<(status: SessionStatus) => void> = [];
  const failed: Array<(error: Error) => void> = [];
  const shutdown: Array<() => void> = [];
  const control: AuthAppControl = {
    runToken: options.runToken ?? randomToken(),
    port: undefined,
    session: getSession,
    onLogin: (listener) => void login.push(listener),
    onLoginFailed: (listener) => void failed.push(listener),
    onShutdown: (listener) => void shutdown.push(listener),
  };
  const app = new Hono<{ Variables: { nonce: string } }>();
  app.use("*", secureResponses, loopbackHostOnly(() => control.port));

  const callback = async (c: Ctx): Promise<Response> => {
    const session = await getSession();
    const wasPending = session.state === "authorizing";
    try {
      const status = await session.complete(c.req.url);
      for (const listener of login) listener(status);
      const https = new URL(c.req.url).protocol === "https:";
      return c.html(successPage(status, session.provider.name, https, Date.now(), c.get("nonce")));
    } catch (error) {
      // Any page the user visits can make the browser GET this URL; complete() refuses one that
      // does not carry the pending login's state and leaves that login waiting. Only a callback
      // that ended the login in progress ends run().
      const stillWaiting = wasPending && session.state === "authorizing";
      if (wasPending && !stillWaiting) { for (const listener of failed) listener(error as Error); }
      const status = error instanceof AuthorizationError ? 400 : error instanceof TDError ? 502 : 500;
      const message = error instanceof TDError ? error.message : "The login failed unexpectedly; see the terminal.";
      return c.html(errorPage(stillWaiting ? "Login refused" : "Login failed", message, c.get("nonce")), status);
    }
  };

  const requireRunToken = async (c: Ctx): Promise<Response | undefined> => {
    // A cross-site form post carries another Origin; refuse it even before the token check.
    const origin = c.req.header("origin");
    if (origin !== undefined && origin !== new URL(c.req.url).origin) return c.text("Forbidden: cross-origin request.", 403);
    const body = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
    const token = typeof body.token === "string" ? body.token : c.req.header("x-tdauth-token") ?? "";
    if (!sameSecret(token, control.runToken)) return c.text("Forbidden: this action needs the token from the status page.", 403);
    return undefined;
  };

  app.get("/", async (c) => {
    const url = new URL(c.req.url);
    if (url.searchParams.has("code") || url.searchParams.has("error")) return callback(c);
    const session = await getSession();
    const view = {
      status: await session.status(),
      providerName: session.provider.name,
      now: Date.now(),
      runToken: control.runToken,
      nonce: c.get("nonce"),
    };
    const message = url.searchParams.get("done");
    return c.html(statusPage(message === "refreshed" ? { ...view, message: "Refreshed." } : view));
  });
  app.get("/login", async (c) => {
    const session = await getSession();
    // Any page can send the browser here (a link, an image, a redirect); if that replaced the
    // login in progress, the user's real callback would be refused. Only a request from this
    // origin, or one the user made (address bar, bookmark, a browser opened by the CLI: "none"),
    // may start over while the pending login is still valid. Browsers without Fetch Metadata
    // send no header and are treated as before.
    const site = c.req.header("sec-fetch-site");
    const pending = session.pendingAuthorization();
    const age = pending === undefined ? Infinity : Date.now() - pending.createdAt;
    if ((site === "cross-site" || site === "same-site") && age < pendingMs) {
      const left = Math.ceil((pendingMs - age) / 1000);
      return c.html(
        errorPage(
          "A login is already in progress",
          `Another site sent your browser to this login server, so the login already in progress was kept (it waits ${left} s more). ` +
            "Finish it in the tab where it started, or start a new one from the status page.",
          c.get("nonce"),
        ),
        409,
      );
    }
    const { url } = await session.authorize();
    return c.redirect(url, 302);
  });
  app.get("/login/callback", callback);
  app.post("/login/refresh", async (c) => {
    const refused = await requireRunToken(c);
    if (refused) return refused;
    try {
      await (await getSession()).refresh({ force: true });
    } catch (error) {
      const message = error instanceof TDError ? error.message : "The refresh failed unexpectedly.";
      return c.html(errorPage("Refresh failed", message, c.get("nonce")), 502);
    }
    return c.redirect("/?done=refreshed", 303);
  });
  app.post("/shutdown", async (c) => {
    const refused = await requireRunToken(c);
    if (refused) return refused;
    // After the response is sent, so the browser sees the answer.
    setTimeout(() => {
      for (const listener of shutdown) listener();
    }, 0);
    return c.text("Server shutting down...");
  });
  app.all("/shutdown", (c) => c.text("Method not allowed: POST with the status page's token.", 405, { allow: "POST" }));
  app.all("/login/refresh", (c) => c.text("Method not allowed: POST with the status page's token.", 405, { allow: "POST" }));
  // The redirect URI's own path serves the callback too (Schwab apps often register "/"). A
  // catch-all, because with a TDClient the path is known only once its session is made.
  app.get("*", async (c) => {
    const path = new URL((await getSession()).provider.redirectURI).pathname;
    return new URL(c.req.url).pathname === path ? callback(c) : c.text("Not found.", 404);
  });
  app.notFound((c) => c.text("Not found.", 404));
  return Object.assign(app, { tdauth: control });
}

/**
 * `tdauth/hono`: the Python library's callback server as a Hono app, served on the loopback address of the
 * redirect URI on Node, Deno or Bun, with HTTPS for Schwab's https-only callbacks.
 *
 * @example
 * ```ts
 * import { browserLogin } from "tdauth/hono";
 * await browserLogin(session); // opens the browser, resolves when logged in
 * ```
 * @module
 */

export { type AuthApp, type AuthAppControl, type AuthAppOptions, createAuthApp } from "./app.ts";
export { run, type RunOptions, type RunResult, shutdownServer } from "./run.ts";
export { browserLogin, type BrowserLoginOptions } from "./browser_login.ts";
export { CallbackPortError, type CallbackPortProblem } from "./port_error.ts";
export { createLoopbackCertificate, loopbackCertificate, type LoopbackCertificateOptions } from "./cert.ts";
export type { TLSFiles } from "./_listen.ts";

/**
 * The error for a callback port that cannot be served, so a caller can fall back to a login
 * that needs no server (pasting the redirect URL) instead of giving up.
 * @module
 */

import { AuthorizationError } from "../../core/errors.ts";

/** Why the port could not be bound: another program has it, or it needs administrator rights. */
export type CallbackPortProblem = "in_use" | "denied";

/**
 * The login callback could not be served on the redirect URI's port: another program holds it
 * (`in_use`), or the port is below 1024 and this process may not bind it (`denied`, e.g.
 * `https://127.0.0.1` without a port means 443). Nothing was sent to the provider yet.
 *
 * @example
 * ```ts
 * import { browserLogin, CallbackPortError } from "tdauth/hono";
 * try {
 *   await browserLogin(session);
 * } catch (err) {
 *   if (!(err instanceof CallbackPortError)) throw err;
 *   console.log(`${err.message} Paste the redirect URL instead.`);
 * }
 * ```
 */
export class CallbackPortError extends AuthorizationError {
  /** The port that could not be bound. */
  readonly port: number;
  /** Why it could not be bound. */
  readonly problem: CallbackPortProblem;
  /** The message names the port and the way out; `cause` is the runtime's own bind error. */
  constructor(port: number, problem: CallbackPortProblem, options: { cause?: unknown } = {}) {
    super(
      problem === "in_use"
        ? `Port ${port} on 127.0.0.1 is in use by another program, so the login callback cannot be received there. Stop that program, or register a redirect URI with another port with the provider.`
        : `Port ${port} on 127.0.0.1 needs administrator rights to serve (ports below 1024 do), so the login callback cannot be received there. Register a redirect URI with a port above 1023, e.g. https://127.0.0.1:8182, with the provider.`,
      options,
    );
    this.name = "CallbackPortError";
    this.port = port;
    this.problem = problem;
  }
}

/**
 * A bind failure a caller can act on, as a {@link CallbackPortError}; undefined for any other
 * error. Node and Bun report `EADDRINUSE` / `EACCES`, Deno `AddrInUse` / `PermissionDenied`.
 */
export function callbackPortError(error: unknown, port: number): CallbackPortError | undefined {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  if (code === "EADDRINUSE" || name === "AddrInUse") return new CallbackPortError(port, "in_use", { cause: error });
  if (code === "EACCES" || name === "PermissionDenied") return new CallbackPortError(port, "denied", { cause: error });
  return undefined;
}

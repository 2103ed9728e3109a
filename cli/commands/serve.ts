// `tdauth serve`: runs the callback app (the Python library's /, /login, /login/callback routes) on 127.0.0.1.

import { integer, parseFlags, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from "../_args.ts";
import { openSession, resolveSettings } from "../_config.ts";
import { CLIError, EXIT } from "../_errors.ts";
import type { IO } from "../_output.ts";
import { aborted, stopSignals } from "../_signals.ts";

/**
 * The text of `tdauth serve --help`.
 * @example
 * ```ts
 * console.log(help);
 * ```
 */
export const help: string = `Usage: tdauth serve [--port N] [--close-after] [--timeout S] [session options]

Serves the callback app on 127.0.0.1 (the port of the redirect URI unless --port) until Ctrl-C
or SIGTERM: open /login to log in, as often as needed; each callback stores the tokens in the
credentials file. HTTPS with a self-signed certificate when the redirect URI is https.

  --port N        listen here instead of the redirect URI's port (0: any free port)
  --close-after   stop once a login has succeeded; without one within --timeout (default
                  300 s), or on Ctrl-C, exit 1
  --timeout S     stop after S seconds (with --close-after: give up after S seconds)

Exit: 0 ok (also when stopped by Ctrl-C, SIGTERM, the status page's "Shut down" or --timeout),
1 error (with --close-after: no login), 2 usage.

${SESSION_OPTIONS_HELP}`;

/**
 * Runs `tdauth serve`.
 * @example
 * ```ts
 * const code = await run(["--close-after"], terminal());
 * ```
 */
export async function run(args: string[], io: IO): Promise<number> {
  const { values } = parseFlags("serve", args, {
    ...SESSION_OPTIONS,
    port: { type: "string" },
    "close-after": { type: "boolean" },
    timeout: { type: "string" },
  });
  const port = integer("--port", values.port as string | undefined, 0, 65_535);
  const timeoutS = integer("--timeout", values.timeout as string | undefined, 1, 86_400);
  const closeAfter = values["close-after"] === true;
  const settings = resolveSettings(values, io.env);
  const session = await openSession(settings, io);
  let hono: typeof import("../../adapters/hono/mod.ts");
  let serving: typeof import("../../adapters/hono/_serve_app.ts");
  try {
    // Hono loads only here, never on the token path.
    [hono, serving] = await Promise.all([import("../../adapters/hono/mod.ts"), import("../../adapters/hono/_serve_app.ts")]);
  } catch (error) {
    throw new CLIError("the callback app is not available (hono is not installed)", {
      hint: "npm i hono; or log in with `tdauth login --flow manual`",
      cause: error,
    });
  }
  const app = hono.createAuthApp({ session });
  const where = port === undefined ? {} : { port };
  const announce = (origin: string, until: string): void =>
    io.err(`Serving the callback app on ${origin}/ — open ${origin}/login to log in (${until}).`);
  const stop = stopSignals();
  try {
    if (closeAfter) {
      await hono.run(app, {
        ...where,
        closeAfter: true,
        hostname: "127.0.0.1",
        timeoutMs: (timeoutS ?? 300) * 1000,
        signal: stop.signal,
        onListen: (origin) => announce(origin, "stops after the first login"),
      }).catch((error: unknown) => {
        throw stop.signal.aborted ? new CLIError(`stopped by ${String(stop.signal.reason)} before a login completed`) : error;
      });
      io.out(`Logged in; tokens saved to ${settings.credentialsPath}.`);
      return EXIT.OK;
    }
    const served = await serving.serveApp(app, { ...where, hostname: "127.0.0.1" });
    announce(served.origin, `Ctrl-C to stop${timeoutS === undefined ? "" : `; stops by itself after ${timeoutS} s`}`);
    app.tdauth.onLogin(() => io.out(`Logged in; tokens saved to ${settings.credentialsPath}.`));
    app.tdauth.onLoginFailed((error) => io.err(`${io.yellow("warning:")} ${error.message}`));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reason = await Promise.race([
      aborted(stop.signal).then(() => `${String(stop.signal.reason)}`),
      new Promise<string>((resolve) => app.tdauth.onShutdown(() => resolve("the status page's Shut down"))),
      ...(timeoutS === undefined
        ? []
        : [new Promise<string>((resolve) => (timer = setTimeout(() => resolve("--timeout"), timeoutS * 1000)))]),
    ]);
    clearTimeout(timer);
    await served.close();
    io.err(`Stopped (${reason}).`);
    return EXIT.OK;
  } finally {
    stop.dispose();
  }
}

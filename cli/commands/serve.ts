// `tdauth serve`: runs the callback app (the Python library's /, /login, /login/callback routes) on 127.0.0.1.

import { integer, parseFlags, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from "../_args.ts";
import { openSession, resolveSettings } from "../_config.ts";
import { CLIError, EXIT } from "../_errors.ts";
import type { IO } from "../_output.ts";

/**
 * The text of `tdauth serve --help`.
 * @example
 * ```ts
 * console.log(help);
 * ```
 */
export const help: string = `Usage: tdauth serve [--port N] [--close-after] [--timeout S] [session options]

Serves the callback app on 127.0.0.1 (the port of the redirect URI unless --port): open /login
to log in; the callback stores the tokens in the credentials file. HTTPS with a self-signed
certificate when the redirect URI is https.

  --port N        listen here instead of the redirect URI's port
  --close-after   stop once a login has succeeded (otherwise runs until Ctrl-C)
  --timeout S     with --close-after: give up after S seconds (default 300)

Exit: 0 ok, 1 error, 2 usage.

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
  const timeoutS = integer("--timeout", values.timeout as string | undefined, 1, 86_400) ?? 300;
  const settings = resolveSettings(values, io.env);
  const session = await openSession(settings, io);
  let hono: typeof import("../../adapters/hono/mod.ts");
  try {
    // Hono loads only here, never on the token path.
    hono = await import("../../adapters/hono/mod.ts");
  } catch (error) {
    throw new CLIError("the callback app is not available (hono is not installed)", {
      hint: "npm i hono; or log in with `tdauth login --flow manual`",
      cause: error,
    });
  }
  const app = hono.createAuthApp({ session });
  const redirect = new URL(session.provider.redirectURI);
  io.err(
    `Serving the callback app on ${redirect.protocol}//127.0.0.1:${port ?? redirect.port}/ — open /login to log in${
      values["close-after"] ? "" : " (Ctrl-C to stop)"
    }.`,
  );
  await hono.run(app, {
    closeAfter: values["close-after"] === true,
    hostname: "127.0.0.1",
    timeoutMs: timeoutS * 1000,
    ...(port === undefined ? {} : { port }),
  });
  if (values["close-after"]) io.out(`Logged in; tokens saved to ${settings.credentialsPath}.`);
  return EXIT.OK;
}

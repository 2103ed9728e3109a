// `tdauth emulator`: runs the local TD Ameritrade / Schwab emulator on 127.0.0.1 until Ctrl-C.

import { integer, oneOf, parseFlags } from "../_args.ts";
import { EMULATOR_PORT } from "../_config.ts";
import { CLIError, EXIT, usageError } from "../_errors.ts";
import type { IO } from "../_output.ts";
import { aborted, stopSignals } from "../_signals.ts";
import type { EmulatorApp } from "../../emulator/types.ts";

/**
 * The text of `tdauth emulator --help`.
 * @example
 * ```ts
 * console.log(help);
 * ```
 */
export const help: string = `Usage: tdauth emulator [--provider td|schwab] [--port N] [--auto-approve] [--redirect-uri URL]... [--json]

Runs a local stand-in for the TD Ameritrade and Schwab OAuth and market-data servers on
127.0.0.1 (both apps are registered), until Ctrl-C, and prints each app's client id, secret and
redirect URIs. Log in to it from another terminal with \`tdauth login --provider emulator\` (the
Schwab app; TDAUTH_EMULATOR_URL if the port differs).

  --provider td|schwab   which app the "log in with" line is about (default schwab)
  --port N               default ${EMULATOR_PORT}; 0 picks a free port
  --auto-approve         approve logins without showing the consent page (for --flow auto)
  --redirect-uri URL     also accept this redirect URI for both apps (repeatable), e.g. a
                         Worker's http://127.0.0.1:8787/callback
  --json                 print one line {url, port, autoApprove, apps: [{flavour, clientId,
                         clientSecret, redirectURIs}]} once listening

Exit: 0 after Ctrl-C, 1 error (e.g. port in use), 2 usage.`;

/** The repeated --redirect-uri values, each an absolute URL without a fragment. */
function extraRedirectURIs(values: string[] | undefined): string[] {
  for (const uri of values ?? []) {
    if (!URL.canParse(uri) || uri.includes("#")) {
      throw usageError(
        `--redirect-uri must be an absolute URL without #fragment, not "${uri}"`,
        "e.g. --redirect-uri http://127.0.0.1:8787/callback",
      );
    }
  }
  return values ?? [];
}

function describeApp(app: EmulatorApp): string[] {
  const name = app.flavour === "td" ? "TD Ameritrade app" : "Schwab app";
  const secret = app.clientSecret === undefined ? "no secret (a public client)" : `secret ${app.clientSecret}`;
  return [`${name}: client id ${app.clientId}, ${secret}`, `  redirect URIs: ${app.redirectURIs.join(", ")}`];
}

/**
 * Runs `tdauth emulator`.
 * @example
 * ```ts
 * const code = await run(["--port", "0"], terminal());
 * ```
 */
export async function run(args: string[], io: IO): Promise<number> {
  const { values } = parseFlags("emulator", args, {
    provider: { type: "string" },
    port: { type: "string" },
    "auto-approve": { type: "boolean" },
    "redirect-uri": { type: "string", multiple: true },
    json: { type: "boolean" },
  });
  const flavour = oneOf("--provider", values.provider as string | undefined, ["td", "schwab"] as const) ?? "schwab";
  const port = integer("--port", values.port as string | undefined, 0, 65_535) ?? EMULATOR_PORT;
  const autoApprove = values["auto-approve"] === true;
  const extra = extraRedirectURIs(values["redirect-uri"] as string[] | undefined);
  const { startEmulator, DEFAULT_SCHWAB_APP, DEFAULT_TD_APP } = await import("../../emulator/mod.ts");
  const apps = [DEFAULT_SCHWAB_APP, DEFAULT_TD_APP].map((app) => ({ ...app, redirectURIs: [...app.redirectURIs, ...extra] }));
  let running;
  try {
    running = await startEmulator({ port, autoApprove, apps });
  } catch (error) {
    if ((error as { code?: string }).code === "EADDRINUSE") {
      throw new CLIError(`port ${port} on 127.0.0.1 is in use`, { hint: "pass --port 0 for a free port, or stop the other server" });
    }
    throw error;
  }
  if (values.json) {
    io.out(JSON.stringify({
      url: running.url,
      port: Number(new URL(running.url).port),
      autoApprove,
      apps: apps.map((a) => ({
        flavour: a.flavour,
        clientId: a.clientId,
        clientSecret: a.clientSecret ?? null,
        redirectURIs: a.redirectURIs,
      })),
    }));
  } else {
    io.out(`Emulator listening on ${io.bold(running.url)} (${autoApprove ? "auto-approve" : "consent page"}; Ctrl-C to stop)`);
    for (const app of apps) for (const line of describeApp(app)) io.out(line);
    const env = port === EMULATOR_PORT ? "" : `TDAUTH_EMULATOR_URL=${running.url} `;
    if (flavour === "schwab") io.out(`Log in to it with: ${env}tdauth login --provider emulator${autoApprove ? " --flow auto" : ""}`);
    else {
      const td = apps[1]!;
      io.out(`Point tdAmeritrade({ clientId: "${td.clientId}", redirectURI: "${td.redirectURIs[0]}", baseURL: "${running.url}" }) at it.`);
    }
  }
  const stop = stopSignals();
  await aborted(stop.signal);
  stop.dispose();
  await running.close();
  if (!values.json) io.err("Emulator stopped.");
  return EXIT.OK;
}

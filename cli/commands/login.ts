// `tdauth login`: an interactive login through the browser (local callback), a pasted redirect
// URL (headless/SSH, stdin may be a pipe), or an auto-approving emulator.

import { integer, oneOf, parseFlags, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from "../_args.ts";
import { openSession, resolveSettings, type Settings } from "../_config.ts";
import { duration } from "../_duration.ts";
import { EXIT, usageError } from "../_errors.ts";
import { beforeLogin } from "../_login_guard.ts";
import { type IO, printJSON, when } from "../_output.ts";
import { statusJSON, warnIfEndingSoon } from "../_status_view.ts";
import type { SessionStatus } from "../../core/session_types.ts";

/**
 * The text of `tdauth login --help`.
 * @example
 * ```ts
 * console.log(help);
 * ```
 */
export const help: string = `Usage: tdauth login [--flow browser|manual|auto] [--no-browser] [--timeout S] [--format tdauth|schwab-py]
                    [--json] [--if-needed [--within D]] [session options]

Logs in and stores the tokens in the credentials file (replacing any there). Replacing a live
Schwab session is announced on stderr: Schwab keeps one session per user, so every program still
using the old tokens (here or on another machine) must read the new ones.

  --flow browser   serve the redirect URI on 127.0.0.1, open the browser, wait (spinner with
                   the time left); the redirect URI must be a loopback URL, best with a port
                   above 1023: when its port is in use or needs administrator rights, the
                   login continues with the manual flow
  --flow manual    print the URL; you paste the address the browser lands on (works over SSH
                   and with a pipe: echo "$URL" | tdauth login --flow manual). A bad paste is
                   explained and you can paste again; the end of input stops with exit 2
  --flow auto      for the emulator with auto-approve: no browser, no paste
                   default: browser on a desktop terminal; manual when stdin is not a terminal,
                   over SSH, or without a display (also TDAUTH flow in tdauth.json: "flow")
  --no-browser     browser flow without launching the browser (open the printed URL yourself)
  --timeout S      give up after S seconds (default 300)
  --format F       the credentials file's layout: tdauth (the Python td library's keys plus
                   tdauth's), or schwab-py (schwab-py's token file, for a schwab-py program to
                   share: client_from_token_file(path, ...)); default: the layout the file
                   already has, else tdauth. Every later command keeps the file's layout
  --json           print the status afterwards (the \`tdauth status --json\` shape)
  --if-needed      log in only when needed: when the session is good beyond the window, print one
                   line and exit 0 without a login
  --within D       with --if-needed: the window (<n>s|m|h|d; default 48h)

Exit: 0 logged in (or, with --if-needed, no login needed), 1 error (refused, network), 2 usage
(bad flag, no usable paste), 3 never.

${SESSION_OPTIONS_HELP}`;

type Flow = "browser" | "manual" | "auto";

function defaultFlow(io: IO, settings: Settings): Flow {
  const configured = oneOf(
    `"flow" in ${settings.configPath}`,
    settings.config.flow as string | undefined,
    ["browser", "manual", "auto"] as const,
  );
  if (configured) return configured;
  const env = io.env;
  if (!process.stdin.isTTY || env.SSH_CONNECTION || env.SSH_TTY) return "manual";
  if (process.platform === "linux" && !env.DISPLAY && !env.WAYLAND_DISPLAY) return "manual";
  return "browser";
}

/**
 * Runs `tdauth login`.
 * @example
 * ```ts
 * const code = await run(["--flow", "manual"], terminal());
 * ```
 */
export async function run(args: string[], io: IO): Promise<number> {
  const { values } = parseFlags("login", args, {
    ...SESSION_OPTIONS,
    flow: { type: "string" },
    "no-browser": { type: "boolean" },
    timeout: { type: "string" },
    format: { type: "string" },
    json: { type: "boolean" },
    "if-needed": { type: "boolean" },
    within: { type: "string" },
  });
  const settings = resolveSettings(values, io.env);
  const chosen = oneOf("--flow", values.flow as string | undefined, ["browser", "manual", "auto"] as const);
  const configTimeout = settings.config.timeout === undefined ? undefined : String(settings.config.timeout);
  const timeoutS = integer("--timeout", (values.timeout as string | undefined) ?? configTimeout, 1, 86_400) ?? 300;
  const flow = chosen ?? (values["no-browser"] ? "browser" : defaultFlow(io, settings));
  const format = oneOf("--format", values.format as string | undefined, ["tdauth", "schwab-py"] as const);
  const within = duration("--within", values.within as string | undefined);
  if (within !== undefined && !values["if-needed"]) throw usageError("--within goes with --if-needed", "run `tdauth login --help`");
  const withinMs = within ?? 48 * 3_600_000;
  const timeoutMs = timeoutS * 1000;
  // The pending login lives as long as the wait for it.
  const session = await openSession(settings, io, {
    ...(format === undefined ? {} : { format }),
    session: { authorizationTimeoutMs: timeoutMs, reloginWarnMs: withinMs },
  });
  const ifNeeded = values["if-needed"] === true;
  const done = await beforeLogin(session, io, { ifNeeded, withinMs, credentials: settings.credentialsPath, json: values.json === true });
  if (done !== undefined) return done;
  const manual = async (): Promise<SessionStatus> => await (await import("../_manual_login.ts")).manualLogin(session, io, { timeoutMs });
  let status: SessionStatus;
  if (flow === "manual") {
    status = await manual();
  } else if (flow === "auto") {
    status = await (await import("../_auto_login.ts")).autoLogin(session);
  } else {
    status = await (await import("../_browser_login.ts")).browserFlow(session, io, {
      timeoutMs,
      openBrowser: values["no-browser"] !== true,
      fallback: manual,
    });
  }
  if (values.json) {
    printJSON(io, statusJSON(status, { credentials: settings.credentialsPath }));
  } else {
    const refresh = status.refreshExpiresAt === undefined ? "" : `; refresh token until ${when(status.refreshExpiresAt)}`;
    io.out(
      `${io.green("✓")} Logged in to ${session.provider.name} (${status.clientId}). Access token until ${
        when(status.accessExpiresAt)
      }${refresh}.`,
    );
  }
  warnIfEndingSoon(io, status);
  return EXIT.OK;
}

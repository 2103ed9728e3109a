// The command table: names, one-line summaries and lazy loaders, so `tdauth token` loads only
// what `token` needs (each command imports its heavy parts itself, on use).

import type { IO } from "./_output.ts";

/**
 * What every file under cli/commands/ exports.
 * @example
 * ```ts
 * const command: Command = await import("./commands/status.ts");
 * ```
 */
export interface Command {
  /** The full `tdauth <command> --help` text. */
  help: string;
  /** Runs with the arguments after the command name; resolves with the exit code. */
  run(args: string[], io: IO): Promise<number>;
}

/**
 * One row of the command table.
 * @example
 * ```ts
 * const entry: CommandEntry = { summary: "…", load: () => import("./commands/token.ts") };
 * ```
 */
export interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

/**
 * Every command, in the order `tdauth help` lists them.
 * @example
 * ```ts
 * const command = await COMMANDS.token!.load();
 * ```
 */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = Object.freeze({
  login: { summary: "log in (browser with a local callback, or paste the redirect URL)", load: () => import("./commands/login.ts") },
  status: { summary: "show state, client id and token expiries", load: () => import("./commands/status.ts") },
  check: {
    summary: "for cron: exit 3 when a login is needed or due soon; --verify with the server, --notify a webhook",
    load: () => import("./commands/check.ts"),
  },
  token: {
    summary: "print a valid access token (refreshing it if needed), for $(tdauth token)",
    load: () => import("./commands/token.ts"),
  },
  exec: {
    summary: "run a program with a valid access token in $TDAUTH_ACCESS_TOKEN: tdauth exec -- python3 bot.py",
    load: () => import("./commands/exec.ts"),
  },
  refresh: { summary: "refresh the access token now", load: () => import("./commands/refresh.ts") },
  logout: { summary: "delete the stored tokens", load: () => import("./commands/logout.ts") },
  serve: { summary: "run the callback app (the Python library's /login routes) on 127.0.0.1", load: () => import("./commands/serve.ts") },
  emulator: { summary: "run a local TD Ameritrade / Schwab emulator on 127.0.0.1", load: () => import("./commands/emulator.ts") },
  demo: { summary: "emulator + login + status + refresh + quotes + accounts, no account needed", load: () => import("./commands/demo.ts") },
  help: { summary: "show help for tdauth or one command", load: () => import("./commands/help.ts") },
});

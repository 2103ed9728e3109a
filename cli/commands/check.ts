// `tdauth check`: for cron and monitoring. Exit 0 while the session is good beyond the window,
// 3 when a login is needed or due, 1 on errors; optionally proves the session with the server and
// posts a reminder to a webhook.

import { bothZones, noticeText, NOTIFY_FORMATS, type ReloginNotice } from "../../adapters/_shared/relogin_notice.ts";
import { TknExpError } from "../../core/errors.ts";
import type { AuthSession, SessionStatus } from "../../core/session.ts";
import { oneOf, parseFlags, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from "../_args.ts";
import { openCLISession, resolveSettings } from "../_config.ts";
import { duration, durationText } from "../_duration.ts";
import { CLIError, EXIT } from "../_errors.ts";
import { fetchNamingURL } from "../_network.ts";
import { notifyOnce, webhookURL } from "../_notify.ts";
import { type IO, iso, printJSON } from "../_output.ts";

/** The default window: a login is due 48 h before the refresh token dies. */
const DEFAULT_WITHIN_MS = 48 * 3_600_000;

/**
 * The text of `tdauth check --help`.
 * @example
 * ```ts
 * console.log(help);
 * ```
 */
export const help: string = `Usage: tdauth check [--within D] [--verify] [--notify URL] [--notify-format F] [--json]
                    [session options]

For cron and monitoring: is the session good beyond the next D? Schwab ends every session 7 days
after its login, and a login elsewhere (another machine, schwab-py) ends it sooner. Without
--verify or --notify it reads the credentials file only.

  --within D          a login is due when the refresh token dies within D (<n>s|m|h|d; default 48h)
  --verify            prove the session with the server: one refresh (the only proof that no login
                      elsewhere replaced it), then one cheap request (Schwab: GET
                      /trader/v1/accounts/accountNumbers); a 401 there means the app lacks an API
                      product (exit 1)
  --notify URL        when a login is needed or due, post one message to this webhook, at most once
                      a day per session (the time of the last is kept in <credentials>.notified);
                      also TDAUTH_NOTIFY_URL, which keeps the URL out of ps and crontab. The URL is a
                      secret and is never printed
  --notify-format F   ntfy, slack, discord or json; default by the URL's host (ntfy.sh,
                      hooks.slack.com, discord.com), else json
  --json              print {state, ok, reloginDue, reloginBy, reason, verified, notified}

Exit: 0 good beyond D, 3 login needed or due within D, 1 error (a failed --verify or a notice
that could not be posted included), 2 usage.

Crontab line (every day at 18:00; the URL in the environment):
  0 18 * * *  TDAUTH_NOTIFY_URL=https://ntfy.sh/<topic> tdauth check --notify-format ntfy

${SESSION_OPTIONS_HELP}`;

/** The probe of `--verify`: one GET with the new token, not through session.fetch (whose 401 would refresh again). */
async function probe(session: AuthSession): Promise<void> {
  const { provider } = session;
  const path = provider.probeURL ?? provider.apiPaths?.accountNumbers ?? provider.apiPaths?.accounts;
  if (path === undefined) return;
  const url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(path) ? path : `${provider.apiBaseURL.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`);
  const token = await session.accessToken();
  const response = await fetchNamingURL(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
  await response.body?.cancel();
  if (response.status === 401) {
    throw new CLIError(`${provider.name} answered GET ${url.pathname} with 401 even to a freshly refreshed token`, {
      hint: 'the app lacks an API product: add "Accounts and Trading Production" and "Market Data Production" to it ' +
        "on developer.schwab.com (logging in again does not help)",
    });
  }
  if (!response.ok) throw new CLIError(`${provider.name} answered GET ${url.pathname} with HTTP ${response.status}`);
}

/** What needs doing, if anything. */
function noticeOf(status: SessionStatus, session: AuthSession, credentials: string): ReloginNotice | undefined {
  const base = { providerName: session.provider.name, login: "tdauth login", where: credentials, reloginBy: status.reloginBy };
  if (status.state === "unauthenticated" || status.state === "authorizing") return { ...base, kind: "missing" };
  if (status.state === "expired") return { ...base, kind: "expired", reason: status.reason };
  return status.reloginDue ? { ...base, kind: "due" } : undefined;
}

/**
 * Runs `tdauth check`.
 * @example
 * ```ts
 * const code = await run(["--within", "3d"], terminal());
 * ```
 */
export async function run(args: string[], io: IO): Promise<number> {
  const { values } = parseFlags("check", args, {
    ...SESSION_OPTIONS,
    within: { type: "string" },
    verify: { type: "boolean" },
    notify: { type: "string" },
    "notify-format": { type: "string" },
    json: { type: "boolean" },
  });
  const within = duration("--within", values.within as string | undefined) ?? DEFAULT_WITHIN_MS;
  const url = webhookURL((values.notify as string | undefined) ?? io.env.TDAUTH_NOTIFY_URL);
  const format = oneOf("--notify-format", values["notify-format"] as string | undefined, NOTIFY_FORMATS);
  const { session, settings } = await openCLISession(resolveSettings(values, io.env), io, {
    lenient: !values.verify,
    session: { reloginWarnMs: within },
  });
  let status = await session.status();
  let verified: boolean | null = null;
  if (values.verify && status.state === "authenticated") {
    try {
      status = await session.refresh({ force: true });
      await probe(session);
      verified = true;
    } catch (error) {
      // A refused refresh ended the session: that is the answer, not an error of the check.
      if (!(error instanceof TknExpError)) throw error;
      status = await session.status();
      verified = false;
    }
  }
  const notice = noticeOf(status, session, settings.credentialsPath);
  let notified = false;
  if (notice && url) {
    notified = await notifyOnce(url, format, notice, { session: status.authorizedAt ?? 0, credentials: settings.credentialsPath });
  }
  if (values.json) {
    printJSON(io, {
      state: status.state,
      ok: notice === undefined,
      reloginDue: notice !== undefined,
      reloginBy: iso(status.reloginBy),
      reason: status.reason ?? null,
      verified,
      notified,
    });
  } else if (notice) {
    const { title, text } = noticeText(notice, Date.now());
    io.out(`${io.yellow("!")} ${title}`);
    for (const line of text.split("\n")) io.out(`  ${line}`);
  } else {
    const until = status.reloginBy === undefined ? "with no known end" : `until ${bothZones(status.reloginBy, Date.now())}`;
    io.out(
      `${io.green("✓")} The ${session.provider.name} session is good ${until}; no login due within ${durationText(within)}${
        verified ? " (verified with the server)" : ""
      }.`,
    );
  }
  if (notified) io.err(`${io.dim("note:")} posted a reminder to the webhook`);
  return notice ? EXIT.LOGIN_NEEDED : EXIT.OK;
}

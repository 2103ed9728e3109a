// What a session that needs a login says, to a person and to a webhook: one formatter used by the
// CLI (`tdauth check --notify`) and by the Worker's cron. Times in local time and US Eastern, with
// a note when the session dies while the US market is open. Web APIs only (a Worker runs it).

/**
 * A session that needs a login: due soon, ended, or never made.
 * @example
 * ```ts
 * const notice: ReloginNotice = { kind: "due", providerName: "Charles Schwab", reloginBy, login: "tdauth login" };
 * ```
 */
export interface ReloginNotice {
  kind: "due" | "expired" | "missing";
  /** The provider's human name ("Charles Schwab"). */
  providerName: string;
  /** When the refresh token is expected to die (due, expired). */
  reloginBy?: number | undefined;
  /** Why the session ended (expired). */
  reason?: string | undefined;
  /** How to log in again: a command (`tdauth login`) or a URL (a Worker's `/login`). */
  login: string;
  /** Which session, for whoever keeps several (a credentials file, a Worker's host); never a secret. */
  where?: string | undefined;
}

/**
 * How a notice reads: a one-line title and a few lines of text.
 * @example
 * ```ts
 * const { title, text } = noticeText(notice, Date.now());
 * ```
 */
export interface NoticeText {
  title: string;
  text: string;
}

/** How to post a notice to a webhook. */
export type NotifyFormat = "ntfy" | "slack" | "discord" | "json";

/** The webhook formats, for usage messages. */
export const NOTIFY_FORMATS: readonly NotifyFormat[] = ["ntfy", "slack", "discord", "json"];

const EASTERN = "America/New_York";

function easternParts(at: number): Record<string, string> {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: EASTERN,
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(at));
  return Object.fromEntries(parts.map((p) => [p.type, p.value]));
}

/**
 * A time in US Eastern, where the market's hours are set: "Mon, Dec 7, 09:30 ET".
 * @example
 * ```ts
 * easternTime(Date.UTC(2026, 11, 7, 14, 30)); // "Mon, Dec 7, 09:30 ET"
 * ```
 */
export function easternTime(at: number): string {
  const p = easternParts(at);
  return `${p.weekday}, ${p.month} ${p.day}, ${p.hour}:${p.minute} ET`;
}

/**
 * Whether `at` falls in the US market's regular hours (9:30–16:00 ET, Monday to Friday; holidays
 * are not known here).
 * @example
 * ```ts
 * inMarketHours(Date.UTC(2026, 11, 7, 15, 0)); // true: Monday 10:00 ET
 * ```
 */
export function inMarketHours(at: number): boolean {
  const p = easternParts(at);
  const minutes = Number(p.hour) * 60 + Number(p.minute);
  return !["Sat", "Sun"].includes(p.weekday!) && minutes >= 570 && minutes < 960;
}

/**
 * A time in this machine's zone, "2026-12-07 15:30 CET"; a Worker's zone is UTC.
 * @example
 * ```ts
 * localTime(Date.now());
 * ```
 */
export function localTime(at: number): string {
  const d = new Date(at);
  const pad = (n: number): string => String(n).padStart(2, "0");
  const zone = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(d).find((p) => p.type === "timeZoneName")?.value;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}${
    zone ? ` ${zone}` : ""
  }`;
}

/** "in 1 day 3 hours", "in 5 hours", "2 hours ago". */
function distance(at: number, now: number): string {
  const ms = Math.abs(at - now);
  const hours = Math.floor(ms / 3_600_000);
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? "" : "s"}`;
  const span = hours >= 48
    ? `${plural(Math.floor(hours / 24), "day")}${hours % 24 ? ` ${plural(hours % 24, "hour")}` : ""}`
    : hours >= 1
    ? plural(hours, "hour")
    : plural(Math.max(1, Math.round(ms / 60_000)), "minute");
  return at >= now ? `in ${span}` : `${span} ago`;
}

/**
 * Both zones and the distance: "Mon, Dec 7, 09:30 ET (2026-12-07 15:30 CET here, in 1 day 3 hours)".
 * @example
 * ```ts
 * bothZones(reloginBy, Date.now());
 * ```
 */
export function bothZones(at: number, now: number): string {
  return `${easternTime(at)} (${localTime(at)} here, ${distance(at, now)})`;
}

/**
 * The words of a notice. The same text goes to the terminal, the status of `tdauth check` and
 * every webhook format.
 * @example
 * ```ts
 * noticeText({ kind: "due", providerName: "Charles Schwab", reloginBy, login: "tdauth login" }, Date.now()).title;
 * // "Log in to Charles Schwab again before Mon, Dec 7, 09:30 ET"
 * ```
 */
export function noticeText(notice: ReloginNotice, now: number): NoticeText {
  const { providerName: name, reloginBy } = notice;
  const session = `The ${name} session${notice.where ? ` (${notice.where})` : ""}`;
  const login = `Log in again: ${notice.login}`;
  if (notice.kind === "missing") {
    return { title: `Not logged in to ${name}`, text: `${session} has no tokens. Log in: ${notice.login}` };
  }
  if (notice.kind === "expired") {
    return { title: `The ${name} session has ended: log in again`, text: `${session} has ended: ${notice.reason ?? "expired"}.\n${login}` };
  }
  const lines = [`${session} ends ${reloginBy === undefined ? "soon" : bothZones(reloginBy, now)}.`];
  if (reloginBy !== undefined && inMarketHours(reloginBy)) {
    lines.push("That is during US market hours (9:30-16:00 ET, Mon-Fri): log in before then, or trading stops at that moment.");
  }
  lines.push(login);
  const before = reloginBy === undefined ? "soon" : `before ${easternTime(reloginBy)}`;
  return { title: `Log in to ${name} again ${before}`, text: lines.join("\n") };
}

/**
 * The format a webhook URL's host implies: ntfy (ntfy.sh or a host named ntfy.*), Slack
 * (hooks.slack.com), Discord (discord.com or discordapp.com), else plain JSON.
 * @example
 * ```ts
 * notifyFormatFor("https://ntfy.sh/my-topic"); // "ntfy"
 * ```
 */
export function notifyFormatFor(url: string): NotifyFormat {
  const host = new URL(url).hostname.toLowerCase();
  if (host === "ntfy.sh" || host.startsWith("ntfy.")) return "ntfy";
  if (host === "hooks.slack.com") return "slack";
  if (host === "discord.com" || host === "discordapp.com" || host.endsWith(".discord.com")) return "discord";
  return "json";
}

/**
 * The POST of a notice to a webhook in `format`. ntfy takes the text as the body and the title,
 * priority and click-through link in headers; Slack and Discord take JSON with their own field.
 * @example
 * ```ts
 * await fetch(noticeRequest("https://ntfy.sh/my-topic", "ntfy", notice, Date.now()));
 * ```
 */
export function noticeRequest(url: string, format: NotifyFormat, notice: ReloginNotice, now: number): Request {
  const { title, text } = noticeText(notice, now);
  const urgent = notice.kind !== "due" || (notice.reloginBy !== undefined && notice.reloginBy - now < 86_400_000);
  const post = (body: string, headers: Record<string, string>): Request =>
    new Request(url, { method: "POST", body, headers, redirect: "manual" });
  const json = (value: unknown): Request => post(JSON.stringify(value), { "content-type": "application/json" });
  if (format === "ntfy") {
    const headers: Record<string, string> = {
      "content-type": "text/plain; charset=utf-8",
      // Header values are Latin-1: the title is plain ASCII.
      title: title.replace(/[^\x20-\x7e]/g, "-"),
      tags: notice.kind === "due" ? "warning" : "rotating_light",
      priority: urgent ? "high" : "default",
    };
    if (/^https?:\/\//.test(notice.login)) headers.click = notice.login;
    return post(text, headers);
  }
  if (format === "slack") return json({ text: `*${title}*\n${text}` });
  if (format === "discord") return json({ content: `**${title}**\n${text}`.slice(0, 2000) });
  return json({
    event: notice.kind === "due" ? "relogin_due" : notice.kind === "expired" ? "session_expired" : "not_logged_in",
    provider: notice.providerName,
    reloginBy: notice.reloginBy === undefined ? null : new Date(notice.reloginBy).toISOString(),
    reason: notice.reason ?? null,
    login: notice.login,
    title,
    text,
  });
}

/**
 * Posts a notice. A failure names the webhook's host only: the rest of its URL is a secret.
 * @example
 * ```ts
 * await postNotice(url, notifyFormatFor(url), notice, { now: Date.now() });
 * ```
 */
export async function postNotice(
  url: string,
  format: NotifyFormat,
  notice: ReloginNotice,
  options: { now: number; fetch?: typeof fetch; timeoutMs?: number },
): Promise<void> {
  const host = new URL(url).host;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(noticeRequest(url, format, notice, options.now), {
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new Error(`could not post the notice to the webhook at ${host} (${(error as Error)?.name ?? "network error"})`);
  }
  await response.body?.cancel();
  if (!response.ok) throw new Error(`the webhook at ${host} answered HTTP ${response.status}`);
}

/**
 * The last notice sent about a session, kept so that no more than one goes out per day.
 * @example
 * ```ts
 * const last: NoticeRecord = { session: tokens.authorizedAt, kind: "due", sentAt: Date.now() };
 * ```
 */
export interface NoticeRecord {
  /** The session it was about: the login time, which a new login changes. */
  session: number;
  kind: ReloginNotice["kind"];
  sentAt: number;
}

/**
 * Whether to send a notice now: at most one per 24 h per session; the end of a session is told
 * once, and always (it is news that a reminder sent within the day did not carry).
 * @example
 * ```ts
 * if (noticeDue(last, { session, kind: "due" }, Date.now())) await postNotice(url, format, notice, { now });
 * ```
 */
export function noticeDue(last: NoticeRecord | undefined, next: Omit<NoticeRecord, "sentAt">, now: number): boolean {
  if (!last || last.session !== next.session) return true;
  if (next.kind === "expired") return last.kind !== "expired";
  return now - last.sentAt >= 86_400_000;
}

/**
 * Reads a stored {@link NoticeRecord}; anything unreadable counts as none.
 * @example
 * ```ts
 * const last = parseNoticeRecord(await kv.get("tdauth:notified", "text"));
 * ```
 */
export function parseNoticeRecord(text: string | null | undefined): NoticeRecord | undefined {
  try {
    const value = JSON.parse(text ?? "null");
    return typeof value?.session === "number" && typeof value.sentAt === "number" && typeof value.kind === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

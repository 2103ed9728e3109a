// `tdauth check --notify`: posts a re-login notice to a webhook at most once a day per session.
// The last notice sent is kept beside the credentials file (times only, no secret); the webhook's
// URL is a secret and is never printed.

import { readFile, writeFile } from "node:fs/promises";
import {
  noticeDue,
  type NoticeRecord,
  type NotifyFormat,
  notifyFormatFor,
  parseNoticeRecord,
  postNotice,
  type ReloginNotice,
} from "../adapters/_shared/relogin_notice.ts";
import { usageError } from "./_errors.ts";

/**
 * A webhook URL from `--notify` (or TDAUTH_NOTIFY_URL), checked without ever echoing it.
 * @example
 * ```ts
 * const url = webhookURL(values.notify ?? io.env.TDAUTH_NOTIFY_URL);
 * ```
 */
export function webhookURL(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // Not echoed: the value is a secret.
  }
  if (url?.protocol !== "https:" && url?.protocol !== "http:") {
    throw usageError("--notify must be an http(s) webhook URL (it is not shown here: it is a secret)");
  }
  return value;
}

/**
 * The file beside the credentials where the last notice is kept.
 * @example
 * ```ts
 * noticeFile("/home/me/.td_python_api/td_state.json"); // ".../td_state.json.notified"
 * ```
 */
export function noticeFile(credentialsPath: string): string {
  return `${credentialsPath}.notified`;
}

/**
 * Posts `notice` unless one went out for this session within 24 h; resolves with whether it did.
 * @example
 * ```ts
 * const sent = await notifyOnce(url, undefined, notice, { session: status.authorizedAt ?? 0, credentials });
 * ```
 */
export async function notifyOnce(
  url: string,
  format: NotifyFormat | undefined,
  notice: ReloginNotice,
  options: { session: number; credentials: string; now?: number },
): Promise<boolean> {
  const now = options.now ?? Date.now();
  const file = noticeFile(options.credentials);
  const last: NoticeRecord | undefined = parseNoticeRecord(await readFile(file, "utf8").catch(() => null));
  if (!noticeDue(last, { session: options.session, kind: notice.kind }, now)) return false;
  await postNotice(url, format ?? notifyFormatFor(url), notice, { now });
  const record: NoticeRecord = { session: options.session, kind: notice.kind, sentAt: now };
  await writeFile(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  return true;
}

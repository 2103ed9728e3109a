// The Worker's cron reminder: while a re-login is due it posts to the NOTIFY_URL binding once a
// day, and once when the session has ended, with the Worker's own /login URL (one tap from a
// phone). The binding's value is a secret: it is never logged, and a failure names its host only.

import type { Provider } from "../../core/provider.ts";
import type { SessionStatus } from "../../core/session_types.ts";
import {
  noticeDue,
  type NoticeRecord,
  NOTIFY_FORMATS,
  type NotifyFormat,
  notifyFormatFor,
  parseNoticeRecord,
  postNotice,
} from "../_shared/relogin_notice.ts";
import type { NoticeStorage } from "./_storage.ts";

/**
 * Options of {@link remind}.
 * @example
 * ```ts
 * const options: ReminderOptions = { urlBinding: "NOTIFY_URL", formatBinding: "NOTIFY_FORMAT" };
 * ```
 */
export interface ReminderOptions {
  urlBinding: string;
  formatBinding: string;
  now?: number;
  fetch?: typeof fetch;
}

/**
 * Posts a reminder for `status` when one is due (see {@link noticeDue}); does nothing without a
 * NOTIFY_URL binding or while the session is good.
 * @example
 * ```ts
 * await remind(env, storage.notice, await session.status(), session.provider, { urlBinding: "NOTIFY_URL", formatBinding: "NOTIFY_FORMAT" });
 * ```
 */
export async function remind(
  env: Record<string, unknown>,
  notices: NoticeStorage,
  status: SessionStatus,
  provider: Provider,
  options: ReminderOptions,
): Promise<boolean> {
  const url = env[options.urlBinding];
  if (typeof url !== "string" || url === "") return false;
  const kind = status.state === "expired" ? "expired" : status.state === "authenticated" && status.reloginDue ? "due" : undefined;
  if (kind === undefined) return false;
  const now = options.now ?? Date.now();
  const session = status.authorizedAt ?? 0;
  if (!noticeDue(parseNoticeRecord(await notices.read()), { session, kind }, now)) return false;
  const named = env[options.formatBinding];
  const format = NOTIFY_FORMATS.includes(named as NotifyFormat) ? named as NotifyFormat : notifyFormatFor(url);
  // The Worker serves the provider's redirect URI, so its /login is on the same origin.
  const login = `${new URL(provider.redirectURI).origin}/login`;
  await postNotice(url, format, {
    kind,
    providerName: provider.name,
    reloginBy: status.reloginBy,
    reason: status.reason,
    login,
    where: new URL(login).host,
  }, { now, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const record: NoticeRecord = { session, kind, sentAt: now };
  await notices.write(JSON.stringify(record));
  return true;
}

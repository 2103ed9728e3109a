// The re-login notice shared by `tdauth check --notify` and the Worker's cron: US Eastern times,
// the market-hours note, the webhook format by host, and at most one notice a day per session.
import { describe, expect, it } from "vitest";
import {
  easternTime,
  inMarketHours,
  noticeDue,
  noticeRequest,
  noticeText,
  notifyFormatFor,
  type ReloginNotice,
} from "../../../adapters/_shared/relogin_notice.ts";

const DAY = 86_400_000;
// Monday 2026-12-07 10:00 ET (UTC-5 in December) and Monday 2026-07-06 10:00 ET (UTC-4 in July).
const MONDAY_WINTER = Date.UTC(2026, 11, 7, 15, 0);
const MONDAY_SUMMER = Date.UTC(2026, 6, 6, 14, 0);

describe("US Eastern times", () => {
  it("follow daylight saving time", () => {
    expect(easternTime(MONDAY_WINTER)).toBe("Mon, Dec 7, 10:00 ET");
    expect(easternTime(MONDAY_SUMMER)).toBe("Mon, Jul 6, 10:00 ET");
  });

  it("know the market's regular hours, 9:30 to 16:00 on weekdays", () => {
    expect(inMarketHours(MONDAY_WINTER)).toBe(true);
    expect(inMarketHours(MONDAY_SUMMER)).toBe(true);
    expect(inMarketHours(MONDAY_WINTER - 31 * 60_000)).toBe(false); // 9:29
    expect(inMarketHours(MONDAY_WINTER + 6 * 3_600_000)).toBe(false); // 16:00
    expect(inMarketHours(MONDAY_WINTER - DAY)).toBe(false); // Sunday
  });
});

describe("noticeText", () => {
  const due: ReloginNotice = { kind: "due", providerName: "Charles Schwab", reloginBy: MONDAY_WINTER, login: "tdauth login" };

  it("says when in Eastern and local time, and warns when the session dies while the market is open", () => {
    const { title, text } = noticeText(due, MONDAY_WINTER - DAY - 3 * 3_600_000);
    expect(title).toBe("Log in to Charles Schwab again before Mon, Dec 7, 10:00 ET");
    expect(text).toMatch(/ends Mon, Dec 7, 10:00 ET \(.* here, in 27 hours\)/);
    expect(text).toMatch(/during US market hours/);
    expect(text).toMatch(/Log in again: tdauth login$/);
  });

  it("has no market note for a Saturday", () => {
    expect(noticeText({ ...due, reloginBy: MONDAY_WINTER - 2 * DAY }, MONDAY_WINTER - 3 * DAY).text).not.toMatch(/market/);
  });

  it("says why an ended session ended", () => {
    const text = noticeText({ ...due, kind: "expired", reason: "Charles Schwab rejected the refresh token" }, MONDAY_WINTER).text;
    expect(text).toMatch(/has ended: Charles Schwab rejected the refresh token\./);
  });
});

describe("webhooks", () => {
  it("are told apart by host", () => {
    expect(notifyFormatFor("https://ntfy.sh/topic")).toBe("ntfy");
    expect(notifyFormatFor("https://ntfy.example.org/topic")).toBe("ntfy");
    expect(notifyFormatFor("https://hooks.slack.com/services/T/B/X")).toBe("slack");
    expect(notifyFormatFor("https://discord.com/api/webhooks/1/x")).toBe("discord");
    expect(notifyFormatFor("http://127.0.0.1:9000/hook")).toBe("json");
  });

  it("get the title in an ASCII header for ntfy, with the login link to tap", async () => {
    const request = noticeRequest("https://ntfy.sh/t", "ntfy", {
      kind: "expired",
      providerName: "Charles Schwab",
      login: "https://w.example/login",
    }, 0);
    expect(request.headers.get("title")).toBe("The Charles Schwab session has ended: log in again");
    expect(request.headers.get("click")).toBe("https://w.example/login");
    expect(await request.text()).toMatch(/^The Charles Schwab session has ended/);
  });

  it("get Slack's text and Discord's content", async () => {
    const notice: ReloginNotice = { kind: "due", providerName: "Charles Schwab", reloginBy: MONDAY_WINTER, login: "tdauth login" };
    expect(JSON.parse(await noticeRequest("https://hooks.slack.com/x", "slack", notice, 0).text()).text).toMatch(/^\*Log in/);
    expect(JSON.parse(await noticeRequest("https://discord.com/x", "discord", notice, 0).text()).content).toMatch(/^\*\*Log in/);
  });
});

describe("noticeDue", () => {
  it("sends at most one notice a day per session, and one about its end, always", () => {
    const last = { session: 1, kind: "due" as const, sentAt: 0 };
    expect(noticeDue(undefined, { session: 1, kind: "due" }, 0)).toBe(true);
    expect(noticeDue(last, { session: 1, kind: "due" }, DAY - 1)).toBe(false);
    expect(noticeDue(last, { session: 1, kind: "due" }, DAY)).toBe(true);
    expect(noticeDue(last, { session: 1, kind: "expired" }, 60_000)).toBe(true);
    expect(noticeDue({ ...last, kind: "expired" }, { session: 1, kind: "expired" }, 60_000)).toBe(false);
    expect(noticeDue({ ...last, kind: "expired" }, { session: 1, kind: "expired" }, 3 * DAY)).toBe(false);
    expect(noticeDue(last, { session: 2, kind: "due" }, 60_000)).toBe(true);
  });
});

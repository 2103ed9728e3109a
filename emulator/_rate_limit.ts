// Per-app throttles over a rolling minute: one window per key (orders and GETs count apart, per server and app).

import type { EmulatorContext } from "./_context.ts";

const WINDOW_MS = 60_000;

/**
 * Records one request under `key` and returns undefined when allowed, or the seconds until a slot frees up when
 * `perMinute` requests were already admitted in the last minute. Refused requests do not take a slot; with no
 * limit (null) nothing is recorded.
 *
 * @example
 * const retryAfterS = takeSlot(ctx, "get:td:TDAUTHEMULATOR", 120);
 * if (retryAfterS !== undefined) return rateLimited("td", retryAfterS, 120);
 */
export function takeSlot(ctx: EmulatorContext, key: string, perMinute: number | null): number | undefined {
  if (perMinute === null) return undefined;
  const now = ctx.now();
  const times = (ctx.rateWindows.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
  ctx.rateWindows.set(key, times);
  if (times.length >= perMinute) {
    ctx.stats.rateLimited++;
    return Math.max(1, Math.ceil((times[times.length - perMinute]! + WINDOW_MS - now) / 1000));
  }
  times.push(now);
  return undefined;
}

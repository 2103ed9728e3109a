// The 120-requests-per-rolling-minute throttle both servers apply to non-order API calls, per client.

import type { EmulatorContext } from "./_context.ts";

const WINDOW_MS = 60_000;

/**
 * Records one API request of `clientKey` and returns undefined when allowed, or the seconds until a slot
 * frees up when the client is over its limit. Refused requests do not take a slot.
 *
 * @example
 * const retryAfterS = takeSlot(ctx, "td:TDAUTHEMULATOR");
 * if (retryAfterS !== undefined) return rateLimited("td", retryAfterS);
 */
export function takeSlot(ctx: EmulatorContext, clientKey: string): number | undefined {
  const now = ctx.now();
  const times = (ctx.rateWindows.get(clientKey) ?? []).filter((t) => t > now - WINDOW_MS);
  ctx.rateWindows.set(clientKey, times);
  if (times.length >= ctx.config.rateLimitPerMinute) {
    ctx.stats.rateLimited++;
    return Math.max(1, Math.ceil((times[0]! + WINDOW_MS - now) / 1000));
  }
  times.push(now);
  return undefined;
}

// Durations on the command line: `<n>s|m|h|d` (`--within 48h`, `--within 2d`).

import { usageError } from "./_errors.ts";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration flag in milliseconds, or a usage error naming the flag and the form it takes.
 * @example
 * ```ts
 * duration("--within", "2d"); // 172_800_000
 * ```
 */
export function duration(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!]! : Number.NaN;
  if (!(ms > 0) || ms > 3_650 * 86_400_000) {
    throw usageError(`${name} must be a duration like 30m, 48h or 2d (<n>s|m|h|d, up to ten years), not "${value}"`);
  }
  return ms;
}

/**
 * A duration in the shortest exact words: 48h → "48 h", 2d → "2 d".
 * @example
 * ```ts
 * durationText(172_800_000); // "48 h"
 * ```
 */
export function durationText(ms: number): string {
  if (ms % 3_600_000 === 0 && ms <= 72 * 3_600_000) return `${ms / 3_600_000} h`;
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["min", 60_000]] as const) {
    if (ms % size === 0) return `${ms / size} ${unit}`;
  }
  return `${Math.round(ms / 1000)} s`;
}

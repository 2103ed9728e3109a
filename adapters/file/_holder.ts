// Who holds a lock file, judged from its owner record: a pid is only meaningful on the machine,
// boot and pid namespace that wrote it, so only there can a holder be known alive or gone.
import type { ProcessSpace } from "./_env.ts";

/**
 * What the owner record says about the holder: `alive` (its process runs here: never take it
 * over), `gone` (its process is not running here: take it over at once), `unknown` (another
 * machine, an old or unreadable record: judge by its heartbeat).
 */
export type HolderVerdict = "alive" | "gone" | "unknown";

/**
 * Judges a holder from its record, this process's {@link ProcessSpace}, and a way to ask whether
 * a pid runs here. Pure: the caller does the I/O.
 *
 * @example
 * ```ts
 * judgeHolder({ pid: 123, host: "box" }, { host: "box" }, () => "gone"); // "gone"
 * judgeHolder({ pid: 123, host: "other" }, { host: "box" }, () => "gone"); // "unknown"
 * ```
 */
export function judgeHolder(
  record: Record<string, unknown> | null,
  here: ProcessSpace,
  stateOf: (pid: number) => "alive" | "gone" | "unknown",
): HolderVerdict {
  if (record === null || here.host === undefined || record.host !== here.host) return "unknown";
  const pid = record.pid;
  if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) return "unknown";
  // Same host name but another boot or pid namespace: the pid may belong to anyone. A record
  // without these fields (written elsewhere than on Linux, or by an older tdauth) matches.
  for (const key of ["boot", "pidns"] as const) {
    if (record[key] !== undefined && here[key] !== undefined && record[key] !== here[key]) return "unknown";
  }
  return stateOf(pid);
}

/**
 * How a holder is named in messages: `pid 123 on host box`, from whatever the record holds.
 *
 * @example
 * ```ts
 * describeHolder({ pid: 123, host: "box" }); // "pid 123 on host box"
 * ```
 */
export function describeHolder(record: Record<string, unknown> | null): string {
  if (record === null || record.pid === undefined) return "a process whose record could not be read";
  const host = typeof record.host === "string" ? record.host : "?";
  return `pid ${String(record.pid).slice(0, 20)} on host ${host.slice(0, 100)}`;
}

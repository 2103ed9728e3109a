// What scripts/test.mjs says about skipped tests: the test helpers (test/helpers/tools.ts) append a
// line {"tool", "install"} to the skip log each time a missing tool skips tests, the runners count
// the skipped tests, and one closing line joins the two.
import { existsSync, readFileSync } from "node:fs";

/**
 * The tools recorded in a skip log, one entry per tool in the order first recorded.
 * @param {string} path the file named by TDAUTH_SKIP_LOG
 * @returns {{ tool: string, install: string }[]}
 */
export function readSkipLog(path) {
  if (!existsSync(path)) return [];
  const records = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const { tool, install } = JSON.parse(line);
      if (typeof tool === "string" && typeof install === "string") records.push({ tool, install });
    } catch {
      // A line torn by a crashed writer names nothing; the runners' counts still report the skip.
    }
  }
  return uniqueTools(records);
}

function uniqueTools(records) {
  const seen = new Map();
  for (const record of records) if (!seen.has(record.tool)) seen.set(record.tool, record);
  return [...seen.values()];
}

/**
 * The closing line about skipped tests, or null when nothing was skipped.
 * @param {number} skipped how many tests the runners reported as skipped
 * @param {{ tool: string, install: string }[]} missing the tools whose absence skipped them
 * @returns {string | null}
 * @example
 * skipSummary(12, [{ tool: "redis-server", install: "apt-get install redis-server" }]);
 * // "skipped 12 tests: redis-server not found (apt-get install redis-server)"
 */
export function skipSummary(skipped, missing) {
  const tools = uniqueTools(missing);
  if (skipped === 0 && tools.length === 0) return null;
  const head = `skipped ${skipped} ${skipped === 1 ? "test" : "tests"}`;
  if (tools.length === 0) return head;
  return `${head}: ${tools.map(({ tool, install }) => `${tool} not found (${install})`).join(", ")}`;
}

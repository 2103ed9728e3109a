// Decides, for each outside program a suite needs (Chromium, redis-server, tmux), whether its tests
// run or skip. A newcomer with only Node gets skips and one closing line naming what to install;
// with TDAUTH_REQUIRE_TOOLS=1 (.ci/run, where everything is installed) a missing tool is an error,
// because a skip there would hide an untested path behind a green run.
import { accessSync, appendFileSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/** The outside programs some suites need. */
export type Tool = "chromium" | "redis-server" | "tmux";

interface ToolSpec {
  /** Executable names tried on PATH, in order. */
  names: string[];
  /** The Debian command that installs it (what .ci/run runs). */
  install: string;
  /** A variable naming the executable outright. */
  env?: string;
}

const TOOLS: Record<Tool, ToolSpec> = {
  chromium: { names: ["chromium", "chromium-browser"], install: "apt-get install chromium", env: "TDAUTH_CHROMIUM" },
  "redis-server": { names: ["redis-server"], install: "apt-get install redis-server" },
  tmux: { names: ["tmux"], install: "apt-get install tmux" },
};

function executable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The tool's executable: its variable when set, else the first match on PATH, else null. */
export function findTool(tool: Tool): string | null {
  const spec = TOOLS[tool];
  const fromEnv = spec.env ? process.env[spec.env] : undefined;
  if (fromEnv) return executable(fromEnv) ? fromEnv : null;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    for (const name of spec.names) {
      if (executable(join(dir, name))) return join(dir, name);
    }
  }
  return null;
}

/**
 * The tool's executable, or null after recording a skip: a warning here, and a line in the file
 * named by TDAUTH_SKIP_LOG that scripts/test.mjs turns into its closing summary. Throws instead
 * when TDAUTH_REQUIRE_TOOLS=1.
 * @example
 * ```ts
 * const tmux = toolOrSkip("tmux", "the terminal tests");
 * describe.runIf(tmux !== null)("browser login in a terminal", () => {});
 * ```
 */
export function toolOrSkip(tool: Tool, what: string): string | null {
  const found = findTool(tool);
  if (found !== null) return found;
  const { install, env } = TOOLS[tool];
  if (process.env.TDAUTH_REQUIRE_TOOLS === "1") {
    const where = env ? `on PATH or in ${env}` : "on PATH";
    throw new Error(`${what} need ${tool}, not found ${where}, and TDAUTH_REQUIRE_TOOLS=1 allows no skip: ${install}`);
  }
  console.warn(`skipping ${what}: ${tool} not found (${install})`);
  const log = process.env.TDAUTH_SKIP_LOG;
  if (log) appendFileSync(log, `${JSON.stringify({ tool, install })}\n`);
  return null;
}

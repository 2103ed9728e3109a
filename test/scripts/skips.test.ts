// The skip report of `npm test`: the helper that decides whether a tool is there, the log it
// leaves, and the closing line scripts/test.mjs builds from it.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
// @ts-expect-error: a plain .mjs script, without types.
import { readSkipLog, skipSummary } from "../../scripts/_skips.mjs";
import { findTool, toolOrSkip } from "../helpers/tools.ts";

const REDIS = { tool: "redis-server", install: "apt-get install redis-server" };
const CHROMIUM = { tool: "chromium", install: "apt-get install chromium" };

describe("skipSummary", () => {
  it("says nothing when nothing was skipped", () => {
    expect(skipSummary(0, [])).toBeNull();
  });

  it("names each missing tool once, with the command that installs it", () => {
    expect(skipSummary(12, [REDIS, CHROMIUM, REDIS])).toBe(
      "skipped 12 tests: redis-server not found (apt-get install redis-server), chromium not found (apt-get install chromium)",
    );
  });

  it("counts in the singular for one test", () => {
    expect(skipSummary(1, [REDIS])).toBe("skipped 1 test: redis-server not found (apt-get install redis-server)");
  });

  it("still reports tests skipped for no recorded tool", () => {
    expect(skipSummary(3, [])).toBe("skipped 3 tests");
  });
});

describe("the skip log", () => {
  let dir: string;
  let saved: Record<string, string | undefined>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tdauth-skips-"));
    saved = {};
    for (const name of ["PATH", "TDAUTH_SKIP_LOG", "TDAUTH_REQUIRE_TOOLS", "TDAUTH_CHROMIUM"]) saved[name] = process.env[name];
    process.env.PATH = dir;
    process.env.TDAUTH_SKIP_LOG = join(dir, "skipped.jsonl");
    delete process.env.TDAUTH_REQUIRE_TOOLS;
    delete process.env.TDAUTH_CHROMIUM;
    vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds a tool only as an executable file on PATH", () => {
    writeFileSync(join(dir, "tmux"), "#!/bin/sh\n");
    expect(findTool("tmux")).toBeNull();
    chmodSync(join(dir, "tmux"), 0o755);
    expect(findTool("tmux")).toBe(join(dir, "tmux"));
  });

  it("records each skip for the closing line, which names every tool once", () => {
    expect(toolOrSkip("redis-server", "Redis tests")).toBeNull();
    expect(toolOrSkip("chromium", "browser tests")).toBeNull();
    expect(toolOrSkip("redis-server", "the Redis bench")).toBeNull();
    // A half-written line from a killed test process is passed over.
    writeFileSync(process.env.TDAUTH_SKIP_LOG!, '{"tool":"tm', { flag: "a" });
    expect(readSkipLog(process.env.TDAUTH_SKIP_LOG!)).toEqual([REDIS, CHROMIUM]);
    expect(console.warn).toHaveBeenCalledWith("skipping Redis tests: redis-server not found (apt-get install redis-server)");
  });

  it("throws instead of skipping when TDAUTH_REQUIRE_TOOLS=1, and records nothing", () => {
    process.env.TDAUTH_REQUIRE_TOOLS = "1";
    expect(() => toolOrSkip("tmux", "terminal tests")).toThrow(
      "terminal tests need tmux, not found on PATH, and TDAUTH_REQUIRE_TOOLS=1 allows no skip: apt-get install tmux",
    );
    expect(readSkipLog(process.env.TDAUTH_SKIP_LOG!)).toEqual([]);
  });
});

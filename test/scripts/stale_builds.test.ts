import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { removeStaleBuilds } from "../../scripts/stale_builds.mjs";

let work: string | undefined;
afterEach(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

it("drops the folders of builds that were killed and keeps those of running builds and anything else", () => {
  work = mkdtempSync(join(tmpdir(), "tdauth-stale-"));
  // Above Linux's PID_MAX_LIMIT (2^22), so no process has it: an exited child's pid could be reused.
  const dead = 2 ** 22 + 1;
  for (const name of [`next-${dead}`, `old-${dead}`, `next-${process.pid}`, "next-notapid", "keep"]) {
    mkdirSync(join(work, name));
    writeFileSync(join(work, name, "f.js"), "x");
  }
  expect(removeStaleBuilds(work).sort()).toEqual([`next-${dead}`, `old-${dead}`]);
  expect(existsSync(join(work, `next-${process.pid}`))).toBe(true);
  expect(existsSync(join(work, "next-notapid"))).toBe(true);
  expect(existsSync(join(work, "keep"))).toBe(true);
});

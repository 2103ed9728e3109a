// Every task in deno.json runs, the way a Deno user in a clone would start it (`deno task NAME`).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const tasks: Record<string, string> = JSON.parse(readFileSync(join(root, "deno.json"), "utf8")).tasks;

/** What each task's output shows when it did its job; a task not listed here must at least exit 0. */
const DONE: Record<string, RegExp> = {
  demo: /^Done\. The emulator saw \d+ token requests/m,
  test: /\| 0 failed/,
  check: /Check .*core\/mod\.ts/,
};

describe("deno task", () => {
  it("has tasks, each with a check of its output", () => {
    expect(Object.keys(tasks).sort()).toEqual(Object.keys(DONE).sort());
  });

  it.each(Object.keys(tasks))("%s runs to the end", (name) => {
    const r = spawnSync(join(root, "node_modules/.bin/deno"), ["task", name], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      timeout: 240_000,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(DONE[name]!);
  }, 240_000);
});

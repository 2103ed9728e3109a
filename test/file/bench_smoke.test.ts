// The FileLock benchmark runs (quick mode) and prints numbers for both locks.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./_helpers.ts";

describe("bench/file_lock.bench.ts --quick", () => {
  it("measures FileLock and proper-lockfile side by side", () => {
    const out = execFileSync(join(ROOT, "node_modules", ".bin", "tsx"), ["bench/file_lock.bench.ts", "--quick"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 30_000,
    });
    for (const name of ["FileLock", "proper-lockfile"]) {
      const row = new RegExp(`^\\| ${name} \\| ([\\d.]+) µs \\| ([\\d.]+) µs \\| (\\d+) /s \\|$`, "m").exec(out);
      expect(row, out).not.toBeNull();
      expect(Number(row![1])).toBeGreaterThan(0);
      expect(Number(row![3])).toBeGreaterThan(0);
    }
    expect(out).toMatch(/FileLock is [\d.]+x faster uncontended/);
  });
});

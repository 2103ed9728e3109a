// The README's Quick start, run as written: the "installed" commands in a fresh project where
// `tdauth` is this checkout's packed tarball (the registry's copy would be the last release), and
// the "clone" commands in a copy of what a fresh clone holds (git's tracked and new files: no
// node_modules, no dist). npm's cache serves the install; `npm test` there runs one small test
// file, because the whole suite is the run this test belongs to.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { quickStart, ROOT } from "./_readme.ts";

const work = mkdtempSync(join(tmpdir(), "tdauth-quick-start-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** npm without prompts, audit or funding notes, from its cache when it can; no TDAUTH_ settings. */
function env(): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("TDAUTH_") && !k.toLowerCase().startsWith("npm_")),
  );
  return { ...clean, npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false", NO_COLOR: "1" };
}

function sh(command: string, cwd: string): { status: number | null; out: string } {
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", command], {
    cwd,
    env: env(),
    encoding: "utf8",
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe("README Quick start", () => {
  it("installed: the commands run in a fresh project", () => {
    const commands = quickStart("installed");
    expect(commands).toEqual(["npm install tdauth", "npx tdauth demo"]);
    execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", work], { cwd: ROOT, stdio: "pipe" });
    const tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
    const project = join(work, "project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "quick-start", private: true }));
    for (const command of commands) {
      const r = sh(command === "npm install tdauth" ? `npm install ${tarball}` : command, project);
      expect(r.status, `${command}\n${r.out}`).toBe(0);
      if (command === "npx tdauth demo") expect(r.out).toMatch(/^Done\. The emulator saw \d+ token requests/m);
    }
  }, 300_000);

  it("clone: the commands run in a fresh clone", () => {
    const commands = quickStart("clone");
    expect(commands).toEqual(["npm install", "npm run demo", "npm test"]);
    const clone = join(work, "clone");
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
      .split("\0")
      .filter(Boolean);
    for (const file of files) {
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      // A file deleted in the working tree but not yet in git's index is not in a clone either.
      try {
        cpSync(join(ROOT, file), join(clone, file));
      } catch (error) {
        if ((error as { code?: string }).code !== "ENOENT") throw error;
      }
    }
    for (const command of commands) {
      const r = sh(command === "npm test" ? "npm test -- test/scripts/version.test.ts" : command, clone);
      expect(r.status, `${command}\n${r.out}`).toBe(0);
      if (command === "npm run demo") expect(r.out).toMatch(/^Done\. The emulator saw \d+ token requests/m);
      if (command === "npm test") expect(r.out).toMatch(/^[1-9]\d* passed, 0 failed$/m);
    }
  }, 600_000);
});

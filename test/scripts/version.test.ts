// One version for npm and JSR: the files agree, `npm run release:version` moves them together
// (only forward, only to a semantic version, formatting kept), and the release check holds a tag
// to them and to CHANGELOG.md.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script, without types.
import { changelogSection, compareVersions, nextVersion } from "../../scripts/_version.mjs";

const root = new URL("../..", import.meta.url).pathname;
const FILES = ["package.json", "jsr.json", "package-lock.json"];
const read = (dir: string, file: string): string => readFileSync(join(dir, file), "utf8");
const versionOf = (dir: string, file: string): string => JSON.parse(read(dir, file)).version;

function script(name: string, cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(root, "scripts", name), ...args], { cwd, encoding: "utf8" });
}

it("package.json, jsr.json and package-lock.json carry the same version", () => {
  const version = versionOf(root, "package.json");
  expect(version).toMatch(/^\d+\.\d+\.\d+/);
  expect(versionOf(root, "jsr.json")).toBe(version);
  const lock = JSON.parse(read(root, "package-lock.json"));
  expect([lock.version, lock.packages[""].version]).toEqual([version, version]);
});

describe("version rules", () => {
  it("orders versions as semver does, pre-releases before their release", () => {
    const sorted = [
      "1.0.0",
      "1.0.0-rc.1",
      "0.10.0",
      "1.0.0-alpha",
      "0.2.0",
      "1.0.0-alpha.beta",
      "1.0.0-alpha.1",
      "1.0.0-beta.11",
      "1.0.0-beta.2",
    ];
    expect(sorted.sort(compareVersions)).toEqual([
      "0.2.0",
      "0.10.0",
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
    ]);
  });

  it("takes a version, with or without v, or major, minor, patch", () => {
    expect(nextVersion("0.1.0", "0.2.0")).toBe("0.2.0");
    expect(nextVersion("0.1.0", "v1.0.0-rc.1")).toBe("1.0.0-rc.1");
    expect(["major", "minor", "patch"].map((r) => nextVersion("0.1.9", r))).toEqual(["1.0.0", "0.2.0", "0.1.10"]);
    expect(nextVersion("1.0.0-rc.1", "patch")).toBe("1.0.0");
  });

  it("refuses a lower or equal version and anything that is not a version, naming the problem", () => {
    expect(() => nextVersion("0.2.0", "0.1.9")).toThrow("0.1.9 is lower than the current version 0.2.0: a release only moves forward");
    expect(() => nextVersion("1.0.0", "1.0.0-rc.1")).toThrow("lower than the current version");
    expect(() => nextVersion("0.2.0", "0.2.0")).toThrow("the version is already 0.2.0");
    for (const bad of ["0.2", "latest", "01.2.3", "1.2.3-", ""]) {
      expect(() => nextVersion("0.1.0", bad), bad).toThrow("is not a semantic version");
    }
  });

  it("finds a version's CHANGELOG section under the usual heading shapes, and not a pre-release's", () => {
    const text = "# Changelog\n\n## Unreleased\n\n- next\n\n## [0.2.0] - 2026-12-01\n\n- two\n- lines\n\n## v0.1.0\n\nfirst\n";
    expect(changelogSection(text, "0.2.0")).toBe("- two\n- lines");
    expect(changelogSection(text, "0.1.0")).toBe("first");
    expect(changelogSection("## 0.2.0-rc.1\n\nrc\n", "0.2.0")).toBeNull();
    expect(changelogSection(text, "0.3.0")).toBeNull();
  });
});

// Each script test works on its own copy of the version files.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tdauth-version-"));
  for (const file of FILES) copyFileSync(join(root, file), join(dir, file));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run release:version on a copy of the repository's files", () => {
  it("writes the new version into all three files and changes nothing else", () => {
    const before = Object.fromEntries(FILES.map((f) => [f, read(dir, f)]));
    const current = versionOf(dir, "package.json");
    const next = nextVersion(current, "minor");
    const r = script("bump_version.mjs", dir, next);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`package.json, jsr.json, package-lock.json: ${current} → ${next}`);
    expect(r.stdout).toContain(`add a "## ${next}" section to CHANGELOG.md`);
    for (const file of FILES) {
      expect(versionOf(dir, file), file).toBe(next);
      // Setting the old version back gives the file byte for byte: only the version moved.
      const text = read(dir, file);
      if (file === "package-lock.json") {
        const lock = JSON.parse(text);
        lock.version = lock.packages[""].version = current;
        expect(`${JSON.stringify(lock, null, 2)}\n`, file).toBe(before[file]);
      } else expect(text.replace(`"version": "${next}"`, `"version": "${current}"`), file).toBe(before[file]);
    }
    // The tag for it now passes the release check once CHANGELOG.md describes it.
    writeFileSync(join(dir, "CHANGELOG.md"), `# Changelog\n\n## ${next}\n\n- Something new.\n`);
    const notes = join(dir, "notes.md");
    const check = script("check_release.mjs", dir, `v${next}`, "--notes", notes);
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    expect(readFileSync(notes, "utf8")).toBe("- Something new.\n");
  });

  it("refuses a lower version with a usage error and leaves every file as it was", () => {
    const before = FILES.map((f) => read(dir, f));
    const r = script("bump_version.mjs", dir, "0.0.1");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `error: 0.0.1 is lower than the current version ${versionOf(dir, "package.json")}: a release only moves forward`,
    );
    expect(FILES.map((f) => read(dir, f))).toEqual(before);
  });

  it("refuses a version that is not semver, and a missing one, with the usage", () => {
    expect(script("bump_version.mjs", dir, "0.2").stderr).toContain('error: "0.2" is not a semantic version: give MAJOR.MINOR.PATCH');
    const none = script("bump_version.mjs", dir);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("hint: npm run release:version -- 0.2.0");
  });

  it("says where to run it when jsr.json is not there", () => {
    rmSync(join(dir, "jsr.json"));
    const r = script("bump_version.mjs", dir, "9.0.0");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("jsr.json not found");
    expect(r.stderr).toContain("run this from the repository root");
  });
});

describe("the release check", () => {
  it("fails a tag the files do not carry, and a version CHANGELOG.md does not describe", () => {
    const current = versionOf(dir, "package.json");
    const r = script("check_release.mjs", dir, "v99.0.0");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error: package.json says ${current}, the tag v99.0.0: npm run release:version -- 99.0.0`);
    expect(r.stderr).toContain(`error: jsr.json says ${current}`);
    expect(r.stderr).toContain('error: CHANGELOG.md has no "## 99.0.0" section');
    expect(script("check_release.mjs", dir, "0.1.0").stderr).toContain("the tag 0.1.0 is not v followed by a semantic version");
  });

  it("fails when package.json and jsr.json disagree, whatever the tag", () => {
    writeFileSync(join(dir, "jsr.json"), read(dir, "jsr.json").replace(/"version": "[^"]*"/, '"version": "0.0.9"'));
    writeFileSync(join(dir, "CHANGELOG.md"), `## ${versionOf(dir, "package.json")}\n\nnotes\n`);
    const r = script("check_release.mjs", dir, `v${versionOf(dir, "package.json")}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error: jsr.json says 0.0.9");
  });
});

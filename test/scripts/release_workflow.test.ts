// The release workflow, checked without publishing anything: it parses, publishes only after the
// tests on a version tag with the rights provenance and JSR need, and a rehearsal runs each of its
// `run:` steps on a copy of the repository bumped to the next patch version, with the publish
// commands in their dry-run forms.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = new URL("../..", import.meta.url).pathname;

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  "working-directory"?: string;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: unknown;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = parse(readFileSync(join(root, ".github/workflows/release.yml"), "utf8")) as Workflow;
const runs = (job: string): string[] => workflow.jobs[job]!.steps.flatMap((s) => (s.run ? [s.run.trim()] : []));

/** What the rehearsal runs for a step: its command, a dry-run form of it, or nothing, with the reason. */
function rehearsal(run: string): { command: string } | { skip: string } {
  if (run === ".ci/run") return { skip: "every suite: npm test, which runs this rehearsal, is that step" };
  if (/^npm ci\b/.test(run)) return { skip: "the copy links this tree's node_modules, which npm ci would replace" };
  // Provenance needs the OIDC token only GitHub Actions has; --dry-run packs and stops short of the upload.
  if (/^npm publish\b/.test(run)) return { command: run.replace("--provenance", "--dry-run") };
  if (/\bdeno publish\b/.test(run)) return { command: `${run} --dry-run --allow-dirty` };
  if (/^gh release\b/.test(run)) return { skip: "talks to GitHub; the notes file it would use is checked instead" };
  return { command: run };
}

/** The jobs in an order that runs each after the jobs it needs. */
function jobOrder(): string[] {
  const done: string[] = [];
  const visit = (name: string): void => {
    if (done.includes(name)) return;
    const needs = workflow.jobs[name]!.needs ?? [];
    for (const need of typeof needs === "string" ? [needs] : needs) visit(need);
    done.push(name);
  };
  for (const name of Object.keys(workflow.jobs)) visit(name);
  return done;
}

describe("the release workflow", () => {
  it("runs on version tags only, with read-only rights unless a job asks for more", () => {
    expect(workflow.on).toEqual({ push: { tags: ["v*"] } });
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(workflow.jobs.test!.permissions).toBeUndefined();
  });

  it("checks the tag and runs every suite with the tools installed before anything is published", () => {
    expect(runs("test")).toEqual(['node scripts/check_release.mjs "$GITHUB_REF_NAME"', ".ci/run"]);
    expect(workflow.jobs.publish!.needs).toBe("test");
  });

  it("publishes to npm with provenance and to JSR through OIDC, then makes the GitHub release", () => {
    expect(workflow.jobs.publish!.permissions).toEqual({ contents: "write", "id-token": "write" });
    const publish = runs("publish");
    const at = (pattern: RegExp): number => publish.findIndex((r) => pattern.test(r));
    expect(publish).toContain("npm publish --provenance --access public");
    expect(at(/deno publish --config jsr\.json$/)).toBeGreaterThan(-1);
    // The version check comes first, the GitHub release last.
    expect(at(/check_release\.mjs/)).toBe(0);
    expect(at(/^gh release create/)).toBe(publish.length - 1);
  });

  it("puts no ${{ }} expression into a shell line, where a tag name could inject commands", () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps) expect(step.run ?? "", step.name).not.toContain("${{");
    }
  });

  describe("rehearsal on a copy of the repository", () => {
    const work = mkdtempSync(join(tmpdir(), "tdauth-release-"));
    const copy = join(work, "repo");
    const runnerTemp = join(work, "runner_temp");
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it("runs each step for real or in its dry-run form, and each publish names the new version", () => {
      copyRepository(copy);
      mkdirSync(runnerTemp);
      // As a release starts: bump, describe it in CHANGELOG.md, tag.
      const bump = spawnSync(process.execPath, ["scripts/bump_version.mjs", "patch"], { cwd: copy, encoding: "utf8" });
      expect(bump.status, bump.stderr).toBe(0);
      const version = JSON.parse(readFileSync(join(copy, "package.json"), "utf8")).version as string;
      addChangelogSection(copy, version, "- Rehearsed by the release workflow test.");
      const tag = `v${version}`;

      const outputs = new Map<string, string>();
      const skipped: { label: string; reason: string }[] = [];
      for (const jobName of jobOrder()) {
        for (const step of workflow.jobs[jobName]!.steps) {
          if (!step.run) continue;
          const label = `${jobName}: ${step.name ?? step.run}`;
          const plan = rehearsal(step.run.trim());
          if ("skip" in plan) {
            skipped.push({ label, reason: plan.skip });
            continue;
          }
          // Whatever is added to the workflow later, this test never publishes.
          expect(plan.command, label).not.toMatch(/\bpublish\b(?!.*--dry-run)|\bgh\b/);
          const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", plan.command], {
            cwd: join(copy, step["working-directory"] ?? "."),
            env: stepEnv(step, { GITHUB_REF_NAME: tag, GITHUB_REF: `refs/tags/${tag}`, RUNNER_TEMP: runnerTemp }),
            encoding: "utf8",
            timeout: 240_000,
          });
          const output = `${r.stdout}\n${r.stderr}`;
          expect(r.status, `${label}\n${output}`).toBe(0);
          outputs.set(plan.command, output);
        }
      }
      console.log(`release rehearsal of ${tag} left out:\n${skipped.map((s) => `  ${s.label}: ${s.reason}`).join("\n")}`);

      const output = (pattern: RegExp): string => [...outputs].find(([command]) => pattern.test(command))?.[1] ?? "";
      expect(output(/check_release/)).toContain(`${tag}: package.json, jsr.json and CHANGELOG.md agree on ${version}`);
      const npm = output(/^npm publish --dry-run --access public$/);
      expect(npm).toContain(`+ tdauth@${version}`);
      // The copy starts without dist/: what npm would upload was built by the publish itself.
      for (const file of ["dist/core/mod.js", "dist/core/mod.cjs", "dist/bin/tdauth.cjs"]) {
        expect(npm).toMatch(new RegExp(`npm notice [\\d.]+k?B ${file}\\n`));
      }
      expect(output(/deno publish/)).toContain(`Simulating publish of @tdauth/tdauth@${version}`);
      expect(output(/deno publish/)).toContain("Dry run complete");
      expect(readFileSync(join(runnerTemp, "release_notes.md"), "utf8")).toBe("- Rehearsed by the release workflow test.\n");
      expect(skipped.map((s) => s.label)).toEqual([
        "test: Every suite, with every tool installed (a skipped test fails)",
        "publish: Install",
        "publish: GitHub release",
      ]);
    }, 300_000);
  });
});

/** The files a fresh clone has, with node_modules linked entry by entry (so builds stay in the copy). */
function copyRepository(to: string): void {
  const skip = new Set(["node_modules", ".git", "dist", "coverage", ".tdauth-test", join("test", "artifacts")]);
  cpSync(root, to, {
    recursive: true,
    filter: (src) => {
      const rel = relative(root, src);
      return !skip.has(rel) && !rel.endsWith(".tgz");
    },
  });
  const modules = join(root, "node_modules");
  mkdirSync(join(to, "node_modules"));
  for (const entry of readdirSync(modules)) {
    // The build's scratch folder and tool caches belong to each checkout.
    if (entry === ".tdauth-build" || entry === ".cache") continue;
    symlinkSync(join(modules, entry), join(to, "node_modules", entry));
  }
}

/** Adds a section for the version at the top of CHANGELOG.md's sections, creating the file if needed. */
function addChangelogSection(dir: string, version: string, body: string): void {
  const path = join(dir, "CHANGELOG.md");
  const section = `## ${version}\n\n${body}\n\n`;
  if (!existsSync(path)) return writeFileSync(path, `# Changelog\n\n${section}`);
  const text = readFileSync(path, "utf8");
  const first = text.search(/^## /m);
  writeFileSync(path, first < 0 ? `${text.trimEnd()}\n\n${section}` : text.slice(0, first) + section + text.slice(first));
}

/** The environment a step sees on a runner: no npm script variables, secrets empty, plus GitHub's own. */
function stepEnv(step: Step, github: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // npm test's npm_config_* variables (local_prefix among them) would point npm at this tree.
    if (!name.toLowerCase().startsWith("npm_")) env[name] = value;
  }
  for (const [name, value] of Object.entries(step.env ?? {})) env[name] = String(value).includes("${{") ? "" : String(value);
  return { ...env, ...github, NO_COLOR: "1" };
}

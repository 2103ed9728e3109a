// The documentation gate JSR scores a package by: `deno doc --lint` over every entry point of
// jsr.json at once (as JSR reads the package: a type is public when any entry exports it), and a
// `@module` doc on each entry. The sources behind package.json's other conditions (the Worker and
// browser builds of "." and "./emulator") are linted too, each on its own.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const DENO = join(root, "node_modules/.bin/deno");
const jsr = JSON.parse(readFileSync(join(root, "jsr.json"), "utf8")) as { exports: Record<string, string> };
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, unknown> };

const jsrEntries = [...new Set(Object.values(jsr.exports))];

/** The sources of package.json's built files that jsr.json does not list (the "workerd"/"browser" builds). */
function npmOnlyEntries(): string[] {
  const built = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === "string") built.add(value);
    else if (value && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect(pkg.exports);
  const sources = [...built].filter((p) => p.startsWith("./dist/") && /\.c?js$/.test(p)).map((p) =>
    `./${p.slice(7).replace(/\.c?js$/, ".ts")}`
  );
  return [...new Set(sources)].filter((source) => !jsrEntries.includes(source)).sort();
}

interface Diagnostic {
  rule: string;
  message: string;
  at: string;
  text: string;
}

/** `deno doc --lint` as JSR's publish reads the package (jsr.json's import map), and its diagnostics. */
function docLint(
  entries: string[],
  cwd = root,
  config: string[] = ["--config", "jsr.json"],
): { status: number | null; diagnostics: Diagnostic[]; out: string } {
  const r = spawnSync(DENO, ["doc", "--lint", ...config, "--node-modules-dir=manual", ...entries], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 120_000,
  });
  const out = `${r.stdout}\n${r.stderr}`;
  const diagnostics = out.split(/^(?=error\[)/m).slice(1).map((text) => {
    const head = /^error\[([\w-]+)\]: (.*)$/m.exec(text)!;
    const at = /^\s*--> (.*)$/m.exec(text)?.[1] ?? "";
    // Everything up to the closing "info:" line; the warnings deno prints about @types/node are not ours.
    return { rule: head[1]!, message: head[2]!, at: at.replace(`${root}`, ""), text: text.split(/^\s*info:/m)[0]!.trimEnd() };
  });
  return { status: r.status, diagnostics, out };
}

/**
 * A reference to a type that another package exports (hono's `Hono`): deno reports it as private
 * because only this package's entries count as public (https://github.com/denoland/deno/issues/27364),
 * yet it is that package's to document. Recognised by the referring file importing the name from a
 * package rather than a relative path; our own unexported types never are.
 */
function dependencyTypeRef(d: Diagnostic): boolean {
  const name = /references private type '([^']+)'$/.exec(d.message)?.[1];
  if (d.rule !== "private-type-ref" || !name) return false;
  const file = join(root, d.at.replace(/:\d+:\d+$/, ""));
  const source = readFileSync(file, "utf8");
  for (const m of source.matchAll(/^import\s+(?:type\s+)?([^;]*?)\s+from\s+["']([^"']+)["']/gm)) {
    const names = m[1]!.replace(/[{}]/g, " ").split(/[\s,]+/).filter((n) => n !== "" && n !== "type");
    if (names.includes(name) && !m[2]!.startsWith(".") && !m[2]!.startsWith("/")) return true;
  }
  return false;
}

function report(diagnostics: Diagnostic[]): string {
  return `${diagnostics.length} documentation problem(s):\n\n${diagnostics.map((d) => d.text).join("\n\n")}`;
}

describe("deno doc --lint (the JSR documentation score)", () => {
  it("finds every kind of problem it gates on in a module made to have them", () => {
    // If deno's output changed shape, the gate below would read it as clean: this catches that.
    const dir = mkdtempSync(join(tmpdir(), "tdauth-doclint-"));
    try {
      writeFileSync(
        join(dir, "mod.ts"),
        "/** @module */\ninterface Hidden { a: string }\nexport function f(): Hidden {\n  return { a: '' };\n}\n",
      );
      const r = docLint(["mod.ts"], dir, ["--no-config"]);
      expect(r.diagnostics.map((d) => d.rule).sort(), r.out).toEqual(["missing-jsdoc", "private-type-ref"]);
      expect(r.status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds nothing over every jsr.json entry point together: every export documented, no unexported type of ours referenced", () => {
    const r = docLint(jsrEntries);
    const problems = r.diagnostics.filter((d) => !dependencyTypeRef(d));
    expect(problems, report(problems)).toEqual([]);
    // A non-zero exit with nothing parsed means deno failed for another reason.
    if (r.diagnostics.length === 0) expect(r.status, r.out).toBe(0);
  }, 120_000);

  it("finds nothing in the Worker and browser builds' entry points, each on its own", () => {
    const entries = npmOnlyEntries();
    // "." under "workerd"/"browser" at least; every source named must exist.
    expect(entries).toContain("./core/mod.ts");
    for (const entry of entries) expect(existsSync(join(root, entry)), entry).toBe(true);
    for (const entry of entries) {
      const r = docLint([entry]);
      const problems = r.diagnostics.filter((d) => !dependencyTypeRef(d));
      expect(problems, `${entry}: ${report(problems)}`).toEqual([]);
      if (r.diagnostics.length === 0) expect(r.status, r.out).toBe(0);
    }
  }, 120_000);

  it("gives every entry point a @module doc", () => {
    const entries = [...jsrEntries, ...npmOnlyEntries()];
    const r = spawnSync(DENO, ["doc", "--json", "--config", "jsr.json", "--node-modules-dir=manual", ...entries], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.status, r.stderr).toBe(0);
    const { nodes } = JSON.parse(r.stdout) as { nodes: Record<string, { module_doc?: { tags?: { kind: string }[] } }> };
    const without = entries.filter((entry) => {
      const doc = nodes[new URL(entry, `file://${root}`).href]?.module_doc;
      return !doc?.tags?.some((t) => t.kind === "module");
    });
    expect(without).toEqual([]);
  }, 120_000);
});

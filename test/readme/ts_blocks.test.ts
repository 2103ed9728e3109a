// Every ```ts block of the README type-checks on its own, as a reader would paste it into a file:
// "tdauth" and its subpaths are the checkout's sources (jsr.json's exports), and deno check with
// the repository's deno.json knows Deno's types and Node's (@types/node), so the Deno KV block and
// the Node blocks are checked alike.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeBlocks, ROOT } from "./_readme.ts";

// Under the repository, so that bare npm imports (ioredis) resolve from its node_modules.
const dir = join(ROOT, "test", "artifacts", `readme-${process.pid}`);
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { exports } = JSON.parse(readFileSync(join(ROOT, "jsr.json"), "utf8")) as { exports: Record<string, string> };
const imports = Object.fromEntries(
  Object.entries(exports).map(([key, path]) => [key === "." ? "tdauth" : `tdauth${key.slice(1)}`, relative(dir, join(ROOT, path))]),
);
writeFileSync(
  join(dir, "import_map.json"),
  JSON.stringify({ imports: Object.fromEntries(Object.entries(imports).map(([k, v]) => [k, `./${v}`])) }),
);

const blocks = codeBlocks("ts");
const fileOf = (line: number): string => join(dir, `line_${line}.ts`);
let report = "";

beforeAll(() => {
  // Each block a module of its own, as a pasted file is (top-level await, no clash between blocks);
  // one deno check for all of them, whose errors each name their file.
  for (const { line, code } of blocks) writeFileSync(fileOf(line), `${code}\nexport {};\n`);
  const r = spawnSync(
    join(ROOT, "node_modules/.bin/deno"),
    ["check", "--config", join(ROOT, "deno.json"), "--import-map", join(dir, "import_map.json"), ...blocks.map((b) => fileOf(b.line))],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 120_000 },
  );
  report = r.status === 0 ? "" : `${r.stdout}\n${r.stderr}`;
}, 120_000);

describe("README.md", () => {
  it("has ts blocks", () => expect(blocks.length).toBeGreaterThan(3));

  it.each(blocks.map((b) => b.line))("the ts block at line %i type-checks", (line) => {
    const errors = report.split(/\n(?=TS\d+ \[ERROR\]|error:)/)
      .filter((entry) => /^(TS\d+ \[ERROR\]|error:)/.test(entry) && entry.includes(`line_${line}.ts`));
    expect(errors.join("\n")).toBe("");
  });

  it("deno check ran clean", () => expect(report).toBe(""));
});

// `tdauth token` is the hot path of scripts ($(tdauth token)): it must not load Hono, the
// emulator's server, or jose (unless the credentials file is encrypted). Checked on the source
// (readable module names) and on the published binary (package.json "bin"), where the whole
// token path is one file and everything else sits in chunks beside it.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveFreshTokens } from "../helpers/fresh_tokens.ts";
import { cleanEnv, ROOT, runTdauth } from "./_run.ts";

let home: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "tdauth-lazy-"));
  await saveFreshTokens(join(home, "td_state.json"), "LAZY-ACCESS-TOKEN");
});

afterAll(() => rmSync(home, { recursive: true, force: true }));

const BIN: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).bin.tdauth;

/** Every module URL a run resolves, in order, with repeats. */
async function loadedBy(
  args: string[],
  from: "source" | "bin" = "source",
): Promise<{ modules: string[]; stdout: string; code: number | null }> {
  const trace = join(home, `trace-${args[0]}-${from}.txt`);
  // The source by default: module names must be readable (dist chunks are hashed).
  const env = cleanEnv({
    TDAUTH_HOME: home,
    TDAUTH_PROVIDER: "emulator",
    TDAUTH_TRACE_FILE: trace,
    ...(from === "source" ? { TDAUTH_FROM_SOURCE: "1" } : {}),
  });
  const result = await runTdauth(args, env, "", [
    "node",
    "--import",
    "./test/cli/_trace_imports.mjs",
    from === "source" ? "bin/tdauth.mjs" : BIN,
  ]);
  return { modules: readFileSync(trace, "utf8").split("\n").filter(Boolean), stdout: result.stdout, code: result.code };
}

/** The distinct files (not node: built-ins) among `modules`, relative to the package root. */
const files = (
  modules: string[],
): string[] => [
  ...new Set(modules.filter((m) => m.startsWith("file:")).map((m) => fileURLToPath(m).slice(ROOT.length).replace(/^\//, ""))),
];

describe("lazy loading", () => {
  it("token loads core and the file store/lock, not hono, jose or the emulator server", async () => {
    const { modules, stdout, code } = await loadedBy(["token"]);
    expect(code).toBe(0);
    expect(stdout).toBe("LAZY-ACCESS-TOKEN\n");
    expect(modules.some((m) => m.endsWith("/adapters/file/store.ts"))).toBe(true);
    expect(modules.some((m) => m.endsWith("/core/session.ts"))).toBe(true);
    // A fresh token needs no lock.
    expect(modules.filter((m) => m.endsWith("/adapters/file/lock.ts"))).toEqual([]);
    const heavy = modules.filter((m) =>
      /node_modules\/(hono|@hono|jose)\/|\/adapters\/hono\/|\/emulator\/(mod|serve|create_emulator)\.ts|\/cli\/commands\/(?!token)/.test(m)
    );
    expect(heavy).toEqual([]);
  });

  it("the demo does load the emulator (the check above can see it)", async () => {
    const { modules, code } = await loadedBy(["demo"]);
    expect(code).toBe(0);
    expect(modules.some((m) => /node_modules\/hono\//.test(m))).toBe(true);
  });

  it("the published binary runs token from its one file: no chunk, no package", async () => {
    const { modules, stdout, code } = await loadedBy(["token"], "bin");
    expect(code).toBe(0);
    expect(stdout).toBe("LAZY-ACCESS-TOKEN\n");
    expect(files(modules)).toEqual([BIN.replace(/^\.\//, "")]);
  });

  it("the published binary loads other commands' chunks and packages on use (the check above can see them)", async () => {
    const { modules, code } = await loadedBy(["demo"], "bin");
    expect(code).toBe(0);
    expect(files(modules).filter((f) => f.startsWith("dist/bin/")).length).toBeGreaterThan(1);
    expect(modules.some((m) => /node_modules\/hono\//.test(m))).toBe(true);
  });
});

// `deno run jsr:@tdauth/tdauth/cli …` from what JSR would serve (test/package/_jsr_layout.ts):
// demo and the emulator with -A, then login --flow auto and status against that emulator with the
// narrow permissions the README documents (--allow-import stands in for jsr.io, which Deno
// allows by default).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildJSRLayout, serveLayout } from "./_jsr_layout.ts";

const root = new URL("../..", import.meta.url).pathname;
const DENO = join(root, "node_modules/.bin/deno");
let work: string;
let project: string;
let served: Awaited<ReturnType<typeof serveLayout>>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "tdauth-jsr-layout-"));
  const layout = join(work, "jsr");
  mkdirSync(layout);
  buildJSRLayout(layout);
  served = await serveLayout(layout);
  // The user's folder: nothing but the npm packages Deno would otherwise fetch into its cache.
  project = join(work, "project");
  mkdirSync(project);
  symlinkSync(join(root, "node_modules"), join(project, "node_modules"));
}, 120_000);

afterAll(async () => {
  await served?.close();
  rmSync(work, { recursive: true, force: true });
});

/** `deno run <permissions> <served>/cli/main.ts <args>`, with a module cache of its own. */
function denoArgs(permissions: string[], args: string[]): string[] {
  return ["run", "--no-config", "--node-modules-dir=manual", "--no-prompt", ...permissions, `${served.url}/cli/main.ts`, ...args];
}

/** Runs Deno to the end. Never spawnSync: this process serves the modules Deno is fetching. */
function runDeno(args: string[], environment: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(DENO, args, { cwd: project, env: environment, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TDAUTH_") && k !== "NO_COLOR"));
  return { ...clean, DENO_DIR: join(work, "deno_dir"), NO_COLOR: "1", ...extra };
}

describe("the CLI as JSR serves it, on Deno", () => {
  it("runs the demo", async () => {
    const r = await runDeno(denoArgs(["-A"], ["demo"]), env({}));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Done\. The emulator saw 2 token requests \(1 login, 1 refresh\) and 2 API calls\.$/m);
  }, 120_000);

  it("runs the emulator, then logs in to it and reports the session with the narrow permissions", async () => {
    const emulator = spawn(DENO, denoArgs(["-A"], ["emulator", "--port", "0", "--auto-approve", "--json"]), { cwd: project, env: env({}) });
    const closed = new Promise((resolve) => emulator.once("close", resolve));
    try {
      let out = "";
      let err = "";
      emulator.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
      const line = await new Promise<string>((resolve, reject) => {
        emulator.stdout.setEncoding("utf8").on("data", (d: string) => {
          out += d;
          if (out.includes("\n")) resolve(out.split("\n")[0]!);
        });
        emulator.on("close", (code) => reject(new Error(`the emulator exited ${code}: ${err}`)));
      });
      const { url } = JSON.parse(line) as { url: string };
      const folder = join(work, "home", ".td_python_api");
      const narrow = [
        "--allow-env",
        `--allow-read=${folder}`,
        `--allow-write=${folder}`,
        "--allow-net=127.0.0.1",
        `--allow-import=${served.host}`,
      ];
      const run = (args: string[]) =>
        runDeno(denoArgs(narrow, args), env({ HOME: join(work, "home"), TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: url }));
      const login = await run(["login", "--flow", "auto"]);
      expect(login.status, login.stderr).toBe(0);
      expect(login.stdout).toMatch(/^✓ Logged in to Charles Schwab \(Tdau…0001\)/);
      const status = await run(["status", "--json"]);
      expect(status.status, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ state: "authenticated", credentials: join(folder, "td_state.json") });
    } finally {
      emulator.kill("SIGTERM");
      await closed;
    }
  }, 120_000);
});

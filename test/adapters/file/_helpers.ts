// Shared helpers for the file adapter tests: temp folders, a bundled copy of the adapter that
// child processes load in ~50 ms (tsx would cost ~300 ms per spawn), and child-process plumbing.
import { build } from "esbuild";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT: string = fileURLToPath(new URL("../../..", import.meta.url));
export const FIXTURES: string = fileURLToPath(new URL("./fixtures", import.meta.url));

export function tempDir(prefix = "tdauth-file-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The host name a process loading `lockElsewhere` reports: a holder on another machine sharing the folder. */
export const ELSEWHERE = "elsewhere.example";

/**
 * Bundles store.ts and lock.ts into test/artifacts (inside the repo, so `jose` still resolves),
 * and `lockElsewhere`: lock.ts in a process whose node:os names another host.
 */
export async function bundleAdapter(): Promise<{ store: string; lock: string; lockElsewhere: string }> {
  const outdir = join(ROOT, "test", "artifacts", `file-bundle-${process.pid}-${Date.now()}`);
  mkdirSync(outdir, { recursive: true });
  const common = {
    bundle: true,
    format: "esm",
    platform: "node",
    outExtension: { ".js": ".mjs" },
    external: ["jose"],
    logLevel: "silent",
  } as const;
  await build({
    ...common,
    entryPoints: { store: join(ROOT, "adapters/file/store.ts"), lock: join(ROOT, "adapters/file/lock.ts") },
    outdir,
  });
  await build({
    ...common,
    entryPoints: { "lock-elsewhere": join(ROOT, "adapters/file/lock.ts") },
    outdir,
    plugins: [{
      name: "another-host",
      setup(b) {
        b.onResolve(
          { filter: /^node:os$/ },
          (args) => args.namespace === "another-host" ? undefined : { path: "os", namespace: "another-host" },
        );
        b.onLoad({ filter: /.*/, namespace: "another-host" }, () => ({
          contents: `export * from "node:os"; export const hostname = () => ${JSON.stringify(ELSEWHERE)};`,
          loader: "js",
        }));
      },
    }],
  });
  return { store: join(outdir, "store.mjs"), lock: join(outdir, "lock.mjs"), lockElsewhere: join(outdir, "lock-elsewhere.mjs") };
}

export interface Child {
  proc: ChildProcess;
  /** Resolves with the first stdout line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export function startChild(script: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, [join(FIXTURES, script), ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let out = "";
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      const line = out.split("\n").find((l) => w.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  proc.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    check();
  });
  proc.stderr!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return {
    proc,
    exited,
    output: () => out,
    waitFor: (pattern, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child never printed ${pattern}; output:\n${out}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        check();
        void exited.then(() => setTimeout(() => reject(new Error(`child exited before ${pattern}; output:\n${out}`)), 50));
      }),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Spawns the real `tdauth` binary (or another runtime's entry) with a clean environment, and
// lets a test answer its prompts: wait for a line on stderr, write to stdin, await the exit.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The environment of a child: this one without TDAUTH_ variables and NO_COLOR, plus `extra`. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("TDAUTH_") && k !== "NO_COLOR" && k !== "FORCE_COLOR") env[k] = v;
  }
  return { ...env, ...extra };
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class Child {
  readonly process: ChildProcessWithoutNullStreams;
  stdout = "";
  stderr = "";
  readonly done: Promise<Result>;
  #waiters: Array<() => void> = [];

  constructor(command: string, args: string[], env: Record<string, string>, user: { uid?: number; gid?: number } = {}) {
    this.process = spawn(command, args, { cwd: ROOT, env, stdio: "pipe", ...user });
    this.process.stdout.setEncoding("utf8").on("data", (d: string) => {
      this.stdout += d;
      this.#wake();
    });
    this.process.stderr.setEncoding("utf8").on("data", (d: string) => {
      this.stderr += d;
      this.#wake();
    });
    this.done = new Promise((resolve) =>
      this.process.on("close", (code) => {
        this.#wake();
        resolve({ code, stdout: this.stdout, stderr: this.stderr });
      })
    );
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Resolves with the first match of `pattern` on stderr (waits for it, up to `ms`). */
  async waitForStderr(pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = pattern.exec(this.stderr);
      if (m) return m;
      if (this.process.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no ${pattern} on stderr; exit ${this.process.exitCode}; stderr:\n${this.stderr}\nstdout:\n${this.stdout}`);
      }
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  write(text: string): void {
    this.process.stdin.write(text);
  }

  end(text = ""): void {
    this.process.stdin.end(text);
  }
}

/** `node bin/tdauth.mjs ...args`; `user` runs it as another user (a test running as root). */
export function tdauth(
  args: string[],
  env: Record<string, string>,
  command: string[] = ["node", "bin/tdauth.mjs"],
  user: { uid?: number; gid?: number } = {},
): Child {
  return new Child(command[0]!, [...command.slice(1), ...args], env, user);
}

/**
 * The published binary itself (package.json "bin": dist/bin/tdauth.cjs), as `npm run build`
 * leaves it, run by this Node: a test through it cannot pass on the source alone.
 */
export function builtBinary(): string[] {
  const path = fileURLToPath(new URL("../../dist/bin/tdauth.cjs", import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (npm test does)`);
  return [process.execPath, path];
}

/** Runs to the end with `input` on stdin. */
export function runTdauth(args: string[], env: Record<string, string>, input = "", command?: string[]): Promise<Result> {
  const child = tdauth(args, env, command);
  child.end(input);
  return child.done;
}

/** The redirect URL an auto-approving emulator answers an authorization URL with. */
export async function approvedRedirect(url: string): Promise<string> {
  const response = await fetch(url, { redirect: "manual" });
  await response.body?.cancel();
  const location = response.headers.get("location");
  if (response.status !== 302 || !location) throw new Error(`expected 302 from ${url}, got ${response.status}`);
  return location;
}

/** The authorization URL the CLI printed on stderr (an indented line on its own). */
export const PRINTED_URL = /^ {2}(http\S+\/authorize\?\S+)$/m;

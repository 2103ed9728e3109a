// Reads environment variables and the process identity the same way on Node, Deno and Bun.
import { hostname } from "node:os";

interface DenoEnv {
  env?: { get(name: string): string | undefined };
  pid?: number;
}

/** The parts of the global `process` used here. */
interface GlobalProcess {
  pid?: number;
  kill(pid: number, signal: number): unknown;
}

// The global, not `import process from "node:process"`: that ESM namespace reads the stdio getters,
// so Node builds stdin/stdout/stderr at load time (≈4 ms of `tdauth token`). Node, Bun and Deno 2
// all define globalThis.process.
const runtimeProcess = (globalThis as { process?: GlobalProcess }).process;

/**
 * The value of an environment variable, or undefined. Deno without `--allow-env` throws on
 * access; a store must still work there (it just cannot see `TDAUTH_HOME`/`TDAUTH_KEY`).
 *
 * @example
 * ```ts
 * const home = readEnv("TDAUTH_HOME");
 * ```
 */
export function readEnv(name: string): string | undefined {
  try {
    const fromProcess = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
    if (fromProcess !== undefined) return fromProcess;
    const deno = (globalThis as { Deno?: DenoEnv }).Deno;
    return deno?.env?.get(name);
  } catch {
    return undefined;
  }
}

/**
 * This process's id (the global process exists on all three runtimes; Deno.pid is the fallback).
 *
 * @example
 * ```ts
 * const pid = processId();
 * ```
 */
export function processId(): number {
  const pid = runtimeProcess?.pid;
  if (typeof pid === "number" && pid > 0) return pid;
  return (globalThis as { Deno?: DenoEnv }).Deno?.pid ?? 0;
}

let cachedHost: string | undefined;

/**
 * The machine's host name, cached: it goes into every lock record and temp file name.
 *
 * @example
 * ```ts
 * const host = hostName();
 * ```
 */
export function hostName(): string {
  if (cachedHost === undefined) {
    try {
      cachedHost = hostname() || "unknown-host";
    } catch {
      cachedHost = "unknown-host";
    }
  }
  return cachedHost;
}

/**
 * Whether a process with this id runs on this machine. Unknown (no permission, or a runtime
 * without signal 0) counts as alive, so that nothing is removed on a guess.
 *
 * @example
 * ```ts
 * if (!processAlive(1234)) removeItsTempFile();
 * ```
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    if (!runtimeProcess) return true;
    runtimeProcess.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code !== "ESRCH";
  }
}

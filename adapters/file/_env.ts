// Reads environment variables and the process identity the same way on Node, Deno and Bun.
import { readFileSync, readlinkSync } from "node:fs";
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
 * What signal 0 says about a process id on this machine: `alive` (it runs, maybe as another
 * user), `gone` (no such process), or `unknown` (no permission to ask, or a runtime without
 * signals), which callers must not mistake for either.
 *
 * @example
 * ```ts
 * if (processState(1234) === "gone") removeItsLock();
 * ```
 */
export function processState(pid: number): "alive" | "gone" | "unknown" {
  if (!Number.isInteger(pid) || pid <= 0 || !runtimeProcess) return "unknown";
  try {
    runtimeProcess.kill(pid, 0);
    return "alive";
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === "ESRCH" ? "gone" : code === "EPERM" ? "alive" : "unknown";
  }
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
  return processState(pid) !== "gone";
}

/**
 * Where a pid means something: the host name, and on Linux the boot and the pid namespace too
 * (a host name survives a reboot and is shared by containers with the host network, while a pid
 * is only meaningful within one boot and one namespace). `host` is undefined when unknown.
 */
export interface ProcessSpace {
  host: string | undefined;
  boot?: string;
  pidns?: string;
}

let cachedSpace: ProcessSpace | undefined;

function linuxFact(read: () => string): string | undefined {
  try {
    return read().trim() || undefined;
  } catch {
    // Not Linux, no /proc, or no permission (Deno without --allow-read): not known.
    return undefined;
  }
}

/**
 * This process's {@link ProcessSpace}, cached.
 *
 * @example
 * ```ts
 * processSpace(); // { host: "box", boot: "54d4…", pidns: "pid:[4026531836]" }
 * ```
 */
export function processSpace(): ProcessSpace {
  if (cachedSpace === undefined) {
    const host = hostName();
    cachedSpace = { host: host === "unknown-host" ? undefined : host };
    const boot = linuxFact(() => readFileSync("/proc/sys/kernel/random/boot_id", "utf8"));
    const pidns = linuxFact(() => readlinkSync("/proc/self/ns/pid"));
    if (boot !== undefined) cachedSpace.boot = boot;
    if (pidns !== undefined) cachedSpace.pidns = pidns;
  }
  return cachedSpace;
}

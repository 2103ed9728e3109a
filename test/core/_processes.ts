// Runs test/core/_session_worker.ts in processes of their own (Node through tsx), as separate
// programs sharing a credentials file would.
import { spawn, type SpawnOptions } from "node:child_process";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const worker = join(root, "test/core/_session_worker.ts");

/** What a worker printed: its pid, error (name and message), final state, events and warnings. */
export interface WorkerResult {
  pid: number;
  state?: string;
  error?: { name: string; message: string };
  events: string[];
  warnings: string[];
  waitedMs?: number;
  tokens?: number;
  refreshErrors?: string[];
  tokenIsNew?: boolean;
}

/**
 * Runs one worker with `env` (WORKER_MODE, WORKER_PATH, WORKER_EMULATOR, ...) and resolves with
 * its result; `spawnOptions` can run it as another user (uid, gid).
 * @example
 * ```ts
 * const result = await runWorker({ WORKER_MODE: "refresh", WORKER_PATH: path, WORKER_EMULATOR: emu.url });
 * ```
 */
export function runWorker(env: Record<string, string>, spawnOptions: SpawnOptions = {}): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", worker], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      ...spawnOptions,
    });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) reject(new Error(`session worker exited ${code}: ${err.slice(-2000)}${out.slice(-500)}`));
      else resolve(JSON.parse(line) as WorkerResult);
    });
  });
}

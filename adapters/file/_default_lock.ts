// The lock a FileStore brings: the sessions of this process queue on one in-process lock per real
// file, and the one at the front takes a FileLock at `<real path>.lock`, so every process sharing
// the file refreshes once. The lock module loads on first acquire: a fresh token never needs it.

import { InProcessLock } from "../../core/in_process_lock.ts";
import type { Lock, Release } from "../../core/types.ts";

/** Errors of a folder where no lock file can be made (read-only mount, another user's folder). */
const READ_ONLY = new Set(["EACCES", "EPERM", "EROFS"]);

const locks = new Map<string, Lock>();

/**
 * The shared lock of the file whose real path is `file`: one per file in this process. Where no
 * lock file can be created it falls back to the in-process lock alone, and says so once through
 * `warn`: other processes sharing the file are then not kept from refreshing at the same time.
 *
 * @example
 * ```ts
 * const release = await fileStoreLock("/home/me/.td_python_api/td_state.json", console.warn).acquire({ timeoutMs: 30_000 });
 * ```
 */
export function fileStoreLock(file: string, warn: (message: string) => void): Lock {
  let lock = locks.get(file);
  if (lock) return lock;
  const local = InProcessLock.for(file);
  let fileLock: Promise<Lock> | undefined;
  let fellBack = false;
  lock = {
    async acquire(options = {}): Promise<Release> {
      const started = Date.now();
      const releaseLocal = await local.acquire(options);
      if (fellBack) return releaseLocal;
      try {
        fileLock ??= import("./lock.ts").then(({ FileLock }) => new FileLock(`${file}.lock`, { onWarning: warn }));
        const { signal, timeoutMs } = options;
        // One wait in all: the file lock gets what the queue here left of timeoutMs.
        const left = timeoutMs === undefined ? undefined : Math.max(0, timeoutMs - (Date.now() - started));
        const releaseFile = await (await fileLock).acquire({ signal, timeoutMs: left });
        return async () => {
          try {
            await releaseFile();
          } finally {
            await releaseLocal();
          }
        };
      } catch (error) {
        if (!READ_ONLY.has((error as { code?: string }).code!)) {
          await releaseLocal();
          throw error;
        }
        fellBack = true;
        warn(
          `tdauth: cannot create the lock file ${file}.lock (${(error as { code?: string }).code}): only this process's sessions ` +
            "share a lock on that file now. Let this user write to its folder, or pass a lock (e.g. a FileLock in a writable folder).",
        );
        return releaseLocal;
      }
    },
  };
  locks.set(file, lock);
  return lock;
}

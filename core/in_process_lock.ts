// The default Lock: a FIFO mutex inside one process. Sessions sharing a store share one of these
// (InProcessLock.for(store)), so two sessions in one process never refresh the same grant twice.

import { LockTimeoutError } from "./errors.ts";
import type { Lock, LockAcquireOptions, Release } from "./types.ts";

const byStore = new WeakMap<object, InProcessLock>();
const byKey = new Map<string, InProcessLock>();

/**
 * A mutex for one process. Does not protect against other processes: use `FileLock`,
 * `RedisLock` or `KvLock` for that.
 *
 * @example
 * ```ts
 * const lock = new InProcessLock();
 * const release = await lock.acquire();
 * try { await work(); } finally { await release(); }
 * ```
 */
export class InProcessLock implements Lock {
  // Each acquire queues behind the one before: its turn comes when that holder releases (or gives
  // up waiting), so the lock passes in order and nobody can barge in between.
  #tail: Promise<unknown> = Promise.resolve();

  /** The lock shared by every session of this process that uses `store`, or a store whose `lockKey` is this string. */
  static for(store: object | string): InProcessLock {
    const locks = (typeof store === "string" ? byKey : byStore) as Map<object | string, InProcessLock>;
    let lock = locks.get(store);
    if (!lock) locks.set(store, lock = new InProcessLock());
    return lock;
  }

  /**
   * Waits for this process's earlier holders, in order, and resolves with the release function;
   * rejects with `LockTimeoutError` after `timeoutMs`, or with the reason of an aborted `signal`.
   */
  acquire(options: LockAcquireOptions = {}): Promise<Release> {
    const { signal, timeoutMs } = options;
    const turn = this.#tail;
    let free!: () => void;
    // The next waiter's turn comes when this one releases, or gives up and its own turn has come.
    this.#tail = new Promise<void>((resolve) => (free = resolve));
    return new Promise<Release>((resolve, reject) => {
      let out = false;
      const clean = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const stop = (error: unknown): void => {
        out = true;
        clean();
        reject(error);
      };
      const onAbort = (): void => stop(signal!.reason);
      const timer = timeoutMs === undefined ? undefined : setTimeout(
        () => stop(new LockTimeoutError(`Timed out after ${timeoutMs} ms waiting for the in-process token lock.`)),
        timeoutMs,
      );
      signal?.addEventListener("abort", onAbort, { once: true });
      if (signal?.aborted) onAbort();
      void turn.then(() => {
        clean();
        // A waiter that gave up passes the lock straight on.
        if (out) free();
        else resolve(() => Promise.resolve(free()));
      });
    });
  }
}

/**
 * Runs `work` holding `lock` (waiting at most `timeoutMs` for it), and releases it however the
 * work ends.
 * @example
 * ```ts
 * await withLock(lock, 30_000, () => refresh());
 * ```
 */
export async function withLock<T>(lock: Lock, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const release = await lock.acquire({ timeoutMs });
  try {
    return await work();
  } finally {
    // A failed release must not hide the work's own result or error; every lock frees itself
    // after its lease (staleMs / ttlMs) anyway.
    await release().catch(() => undefined);
  }
}

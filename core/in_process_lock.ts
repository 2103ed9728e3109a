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
    let free!: () => void;
    const held = new Promise<void>((resolve) => (free = resolve));
    const turn = this.#tail;
    this.#tail = turn.then(() => held);
    return new Promise<Release>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let done = false;
      const settle = (error?: unknown): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (error === undefined) return resolve(() => Promise.resolve(free()));
        reject(error);
        // A waiter that gave up still passes the lock on when its turn comes.
        void turn.then(free);
      };
      const onAbort = (): void => settle(signal!.reason);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(
          () => settle(new LockTimeoutError(`Timed out after ${timeoutMs} ms waiting for the in-process token lock.`)),
          timeoutMs,
        );
      }
      void turn.then(() => settle());
    });
  }
}

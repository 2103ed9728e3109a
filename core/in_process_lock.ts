// The default Lock: a FIFO mutex inside one process. Sessions sharing a store share one of these
// (InProcessLock.for(store)), so two sessions in one process never refresh the same grant twice.

import { LockTimeoutError } from "./errors.ts";
import type { Lock, LockAcquireOptions, Release } from "./types.ts";

const byStore = new WeakMap<object, InProcessLock>();

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
  #held = false;
  #waiters: Array<() => void> = [];

  /** The lock shared by every session of this process that uses `store`. */
  static for(store: object): InProcessLock {
    let lock = byStore.get(store);
    if (!lock) {
      lock = new InProcessLock();
      byStore.set(store, lock);
    }
    return lock;
  }

  acquire(options: LockAcquireOptions = {}): Promise<Release> {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grant = () => {
        cleanup();
        resolve(this.#releaser());
      };
      const cleanup = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const index = this.#waiters.indexOf(grant);
        if (index >= 0) this.#waiters.splice(index, 1);
      };
      const onAbort = () => {
        cleanup();
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          cleanup();
          reject(new LockTimeoutError(`Timed out after ${timeoutMs} ms waiting for the in-process token lock.`));
        }, timeoutMs);
      }
      this.#waiters.push(grant);
    });
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (!released) {
        released = true;
        const next = this.#waiters.shift();
        // Hand the lock straight to the next waiter, so nobody can barge in between.
        if (next) next();
        else this.#held = false;
      }
      return Promise.resolve();
    };
  }
}

// The default lock: FIFO inside one process, shared by the sessions of one store, and a waiter
// that gives up (timeout, abort) never holds it and never blocks the ones behind it.
import { describe, expect, it } from "vitest";
import { InProcessLock } from "../../core/in_process_lock.ts";
import { LockTimeoutError } from "../../core/errors.ts";

describe("InProcessLock", () => {
  it("hands the lock over in the order it was asked for, one holder at a time", async () => {
    const lock = new InProcessLock();
    const order: string[] = [];
    let inside = 0;
    await Promise.all(["a", "b", "c", "d"].map(async (name) => {
      const release = await lock.acquire();
      inside++;
      expect(inside).toBe(1);
      order.push(name);
      await Promise.resolve();
      inside--;
      await release();
    }));
    expect(order).toEqual(["a", "b", "c", "d"]);
  });

  it("times out a waiter with LockTimeoutError and passes the lock to the one behind it", async () => {
    const lock = new InProcessLock();
    const release = await lock.acquire();
    const late = lock.acquire({ timeoutMs: 1 });
    const next = lock.acquire();
    await expect(late).rejects.toBeInstanceOf(LockTimeoutError);
    await release();
    const releaseNext = await next;
    await releaseNext();
    await (await lock.acquire({ timeoutMs: 0 }))();
  });

  it("rejects with the abort's reason, before or while waiting, and then holds nothing", async () => {
    const lock = new InProcessLock();
    const reason = new Error("stop");
    await expect(lock.acquire({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const release = await lock.acquire();
    const controller = new AbortController();
    const waiting = lock.acquire({ signal: controller.signal });
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await release();
    await (await lock.acquire({ timeoutMs: 0 }))();
  });

  it("ignores a second release, which must not free the next holder's turn", async () => {
    const lock = new InProcessLock();
    const first = await lock.acquire();
    const second = lock.acquire();
    await first();
    const releaseSecond = await second;
    await first();
    await expect(lock.acquire({ timeoutMs: 5 })).rejects.toBeInstanceOf(LockTimeoutError);
    await releaseSecond();
  });

  it("is one lock per store", () => {
    const store = {};
    expect(InProcessLock.for(store)).toBe(InProcessLock.for(store));
    expect(InProcessLock.for(store)).not.toBe(InProcessLock.for({}));
  });
});

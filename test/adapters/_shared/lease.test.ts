// The acquire-and-heartbeat loop KvLock and RedisLock share, on a backend made of functions and a
// clock the test moves: deadlines and the heartbeat's grace are read from it, never waited out.
import { describe, expect, it } from "vitest";
import { acquireLease, type Lease, type LeaseLoop, ownerToken } from "../../../adapters/_shared/lease.ts";
import { LockTimeoutError } from "../../../core/errors.ts";

function manualClock(start = 1_800_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const loop = (overrides: Partial<LeaseLoop> & Pick<LeaseLoop, "attempt">): LeaseLoop => ({
  what: 'Test lock "k"',
  ttlMs: 1_000,
  heartbeatMs: 1,
  maxPollMs: 1,
  timeoutMs: 0,
  ...overrides,
});

const held = (extend: () => Promise<boolean>, released: string[] = []): Lease => ({
  extend,
  release: () => Promise.resolve(void released.push("released")),
});

describe("acquireLease", () => {
  it("polls until the clock passes the deadline, then throws a LockTimeoutError naming the lock", async () => {
    const clock = manualClock();
    let attempts = 0;
    const attempt = (): Promise<Lease | null> => {
      attempts++;
      clock.advance(1_000); // each try takes a second of the test's clock, none of the real one
      return Promise.resolve(null);
    };
    const error = await acquireLease(loop({ attempt, timeoutMs: 5_000, now: clock.now })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as Error).message).toMatch(/^Test lock "k" was not acquired within 5000 ms/);
    expect(attempts).toBe(5);
  });

  it("takes a lease that frees up before the deadline", async () => {
    const clock = manualClock();
    let attempts = 0;
    const attempt = (): Promise<Lease | null> => Promise.resolve(++attempts < 3 ? null : held(() => Promise.resolve(true)));
    const release = await acquireLease(loop({ attempt, timeoutMs: 5_000, now: clock.now }));
    expect(attempts).toBe(3);
    await release();
  });

  it("reports a lease lost once it could not be extended for ttlMs by the clock", async () => {
    const clock = manualClock();
    let extensions = 0;
    const extend = (): Promise<boolean> => {
      extensions++;
      clock.advance(400);
      return Promise.reject(new Error("backend unreachable"));
    };
    let lost!: (error: Error) => void;
    const reported = new Promise<Error>((resolve) => (lost = resolve));
    const release = await acquireLease(loop({ attempt: () => Promise.resolve(held(extend)), now: clock.now, onLost: lost }));
    const error = await reported;
    expect(error.message).toBe('Test lock "k" may be lost: it could not be extended for 1000 ms');
    expect((error.cause as Error).message).toBe("backend unreachable");
    // Two failures (800 ms) were within the grace; the third (1200 ms) was not.
    expect(extensions).toBe(3);
    await release();
  });

  it("reports a lease another owner took at the next heartbeat, and releases only once", async () => {
    const released: string[] = [];
    let lost!: (error: Error) => void;
    const reported = new Promise<Error>((resolve) => (lost = resolve));
    const release = await acquireLease(
      loop({ attempt: () => Promise.resolve(held(() => Promise.resolve(false), released)), onLost: lost }),
    );
    expect((await reported).message).toBe('Test lock "k" was lost: it expired and another owner took it');
    await Promise.all([release(), release()]);
    expect(released).toEqual(["released"]);
  });

  it("gives back a lease won while the caller aborted, and rejects with the abort's reason", async () => {
    const released: string[] = [];
    const controller = new AbortController();
    const reason = new Error("caller gone");
    const attempt = (): Promise<Lease> => {
      controller.abort(reason);
      return Promise.resolve(held(() => Promise.resolve(true), released));
    };
    await expect(acquireLease(loop({ attempt, signal: controller.signal }))).rejects.toBe(reason);
    expect(released).toEqual(["released"]);
  });

  it("makes 128-bit owner tokens", () => {
    expect(ownerToken()).toMatch(/^[0-9a-f]{32}$/);
    expect(ownerToken()).not.toBe(ownerToken());
  });
});

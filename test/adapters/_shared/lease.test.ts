// The acquire-and-heartbeat loop KvLock and RedisLock share, on a backend made of functions and a
// clock the test moves: deadlines and the heartbeat's grace are read from it, never waited out.
import { describe, expect, it } from "vitest";
import { acquireLease, type Lease, type LeaseOptions, leaseSettings, ownerToken } from "../../../adapters/_shared/lease.ts";
import { LockTimeoutError } from "../../../core/errors.ts";

function manualClock(start = 1_800_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** A lease lock's settings for these tests: 1 s TTL, 1 ms heartbeat and polls, one try unless told. */
const settings = (overrides: LeaseOptions = {}) =>
  leaseSettings({ ttlMs: 1_000, heartbeatMs: 1, pollMs: 1, timeoutMs: 0, ...overrides }, "TestLock");
const what = 'Test lock "k"';

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
    const error = await acquireLease(settings({ now: clock.now }), { attempt, what }, { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as Error).message).toMatch(/^Test lock "k" was not acquired within 5000 ms/);
    expect(attempts).toBe(5);
  });

  it("takes a lease that frees up before the deadline", async () => {
    const clock = manualClock();
    let attempts = 0;
    const attempt = (): Promise<Lease | null> => Promise.resolve(++attempts < 3 ? null : held(() => Promise.resolve(true)));
    const release = await acquireLease(settings({ timeoutMs: 5_000, now: clock.now }), { attempt, what });
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
    const release = await acquireLease(settings({ now: clock.now, onLost: lost }), { attempt: () => Promise.resolve(held(extend)), what });
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
    const release = await acquireLease(settings({ onLost: lost }), {
      attempt: () => Promise.resolve(held(() => Promise.resolve(false), released)),
      what,
    });
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
    await expect(acquireLease(settings(), { attempt, what }, { signal: controller.signal })).rejects.toBe(reason);
    expect(released).toEqual(["released"]);
  });

  it("checks the settings once for every lease lock, naming the lock and the option", () => {
    expect(settings()).toMatchObject({ lock: "TestLock", ttlMs: 1_000, heartbeatMs: 1, pollMs: 1, timeoutMs: 0 });
    expect(leaseSettings({}, "KvLock")).toMatchObject({ ttlMs: 30_000, heartbeatMs: 10_000, pollMs: 100, timeoutMs: 60_000 });
    expect(() => leaseSettings({ ttlMs: 0 }, "KvLock")).toThrow("KvLock: ttlMs must be a positive number of milliseconds");
    expect(() => leaseSettings({ ttlMs: 100, heartbeatMs: 100 }, "KvLock")).toThrow("KvLock: heartbeatMs must be less than ttlMs");
    expect(() => leaseSettings({ onLost: 1 as never }, "RedisLock")).toThrow("RedisLock: onLost must be a function");
    return expect(acquireLease(settings(), { attempt: () => Promise.resolve(null), what }, { timeoutMs: -1 })).rejects.toThrow(
      "TestLock.acquire({ timeoutMs }): timeoutMs must be a number of milliseconds ≥ 0",
    );
  });

  it("makes 128-bit owner tokens", () => {
    expect(ownerToken()).toMatch(/^[0-9a-f]{32}$/);
    expect(ownerToken()).not.toBe(ownerToken());
  });
});

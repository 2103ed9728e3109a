// FileLock: mutual exclusion across processes, stale takeover, owner-only release, timeouts.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { FileLock } from "../../../adapters/file/lock.ts";
import { LockTimeoutError } from "../../../core/errors.ts";
import { bundleAdapter, ELSEWHERE, sleep, startChild, tempDir } from "./_helpers.ts";

let modules: { lock: string; lockElsewhere: string };
let dir: string;
let cleanup: () => void;
let warnings: string[];
beforeAll(async () => (modules = await bundleAdapter()));
beforeEach(() => ({ dir, cleanup } = tempDir("tdauth-lock-")) && (warnings = []));
afterEach(() => cleanup());
const quiet = { onWarning: (m: string) => warnings.push(m) };
/** The pid of a process of this host that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid!;
const inOneHour = (): Date => new Date(Date.now() + 3_600_000);

describe("FileLock across processes", () => {
  it("lets 4 processes increment a shared counter without losing an update, starting from a dead holder's lock", async () => {
    const lockPath = join(dir, "td_state.json.lock");
    const counter = join(dir, "counter");
    writeFileSync(counter, "0");
    // A dead holder's lock: all four race to take it over first.
    writeFileSync(lockPath, JSON.stringify({ pid: deadPid(), host: hostname(), token: "x", acquiredAt: 0, heartbeatAt: 0 }));
    const workers = [0, 1, 2, 3].map(() => startChild("lock_counter.mjs", [modules.lock, lockPath, counter, "50", "5000"]));
    await Promise.all(workers.map((w) => w.waitFor(/^ready$/)));
    for (const w of workers) w.proc.stdin!.write("go\n");
    const exits = await Promise.all(workers.map((w) => w.exited));
    const outputs = workers.map((w) => w.output()).join("");
    expect(exits.map((e) => e.code), outputs).toEqual([0, 0, 0, 0]);
    expect(outputs).not.toContain("overlap");
    expect(outputs.match(/took over/g)).toHaveLength(1);
    expect(readFileSync(counter, "utf8")).toBe("200");
    expect(existsSync(lockPath)).toBe(false);
  });

  it("takes over at once from a SIGKILLed holder of this host, long before staleMs", async () => {
    const lockPath = join(dir, "td_state.json.lock");
    const holder = startChild("lock_holder.mjs", [modules.lock, lockPath, "10000"]);
    const line = await holder.waitFor(/^held \d+$/);
    holder.proc.kill("SIGKILL");
    await holder.exited;
    const killedAt = performance.now();
    const release = await new FileLock(lockPath, { staleMs: 10_000, ...quiet }).acquire({ timeoutMs: 5000 });
    expect(performance.now() - killedAt).toBeLessThan(2000);
    expect(warnings[0]).toContain(`took over the lock ${lockPath} from pid ${line.split(" ")[1]} on host ${hostname()}`);
    expect(warnings[0]).toContain("its process is no longer running");
    await release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it("never takes over a live holder of this host, from a waiter whose clock is 60 s ahead", async () => {
    const lockPath = join(dir, "td_state.json.lock");
    const holder = startChild("lock_holder.mjs", [modules.lock, lockPath, "1000"]);
    const line = await holder.waitFor(/^held \d+$/);
    const ahead = new FileLock(lockPath, { staleMs: 1000, now: () => Date.now() + 60_000, ...quiet });
    const err = await ahead.acquire({ timeoutMs: 1500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as Error).message).toContain(
      `held by pid ${line.split(" ")[1]} on host ${hostname()}, which is still running on this machine`,
    );
    expect(warnings).toEqual([]);
    holder.proc.stdin!.write("release\n");
    await holder.waitFor(/^released$/);
    expect(holder.output()).not.toContain("warn");
  });

  it("never takes over a live holder of this host that was stopped (SIGSTOP) past staleMs", async () => {
    const lockPath = join(dir, "td_state.json.lock");
    const holder = startChild("lock_holder.mjs", [modules.lock, lockPath, "300"]);
    await holder.waitFor(/^held \d+$/);
    holder.proc.kill("SIGSTOP");
    try {
      const err = await new FileLock(lockPath, { staleMs: 300, ...quiet }).acquire({ timeoutMs: 1200 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockTimeoutError);
    } finally {
      holder.proc.kill("SIGCONT");
    }
    holder.proc.stdin!.write("release\n");
    await holder.waitFor(/^released$/);
    expect(holder.output()).not.toContain("warn");
    expect(existsSync(lockPath)).toBe(false);
  });

  it("keeps a live holder's lock through its heartbeat, however long it is held", async () => {
    const lockPath = join(dir, "td_state.json.lock");
    const holder = startChild("lock_holder.mjs", [modules.lock, lockPath, "600"]);
    const line = await holder.waitFor(/^held \d+$/);
    const err = await new FileLock(lockPath, { staleMs: 600, ...quiet }).acquire({ timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as Error).message).toContain(`held by pid ${line.split(" ")[1]}`);
    expect(warnings).toEqual([]);
    holder.proc.stdin!.write("release\n");
    await holder.waitFor(/^released$/);
    expect(existsSync(lockPath)).toBe(false);
  });

  it("keeps a live holder's lock on another host through its heartbeat", async () => {
    const lockPath = join(dir, "td_state.json.lock");
    const holder = startChild("lock_holder.mjs", [modules.lockElsewhere, lockPath, "600"]);
    const line = await holder.waitFor(/^held \d+$/);
    expect(JSON.parse(readFileSync(lockPath, "utf8")).host).toBe(ELSEWHERE);
    const err = await new FileLock(lockPath, { staleMs: 600, ...quiet }).acquire({ timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as Error).message).toContain(`held by pid ${line.split(" ")[1]} on host ${ELSEWHERE}, whose heartbeat did not change`);
    expect(warnings).toEqual([]);
    holder.proc.stdin!.write("release\n");
    await holder.waitFor(/^released$/);
  });

  it("a holder on another host paused past staleMs is taken over, and its late release leaves the new owner's lock", async () => {
    const lockPath = join(dir, "td_state.json.lock");
    const holder = startChild("lock_holder.mjs", [modules.lockElsewhere, lockPath, "500"]);
    await holder.waitFor(/^held \d+$/);
    holder.proc.kill("SIGSTOP");
    const release = await new FileLock(lockPath, { staleMs: 500, ...quiet }).acquire({ timeoutMs: 3000 });
    const mine = readFileSync(lockPath, "utf8");
    holder.proc.kill("SIGCONT");
    holder.proc.stdin!.write("release\n");
    await holder.waitFor(/^released$/);
    expect(holder.output()).toMatch(/warn tdauth: the lock .* was taken over while pid \d+ held it/);
    expect(readFileSync(lockPath, "utf8")).toBe(mine);
    await release();
    expect(existsSync(lockPath)).toBe(false);
  });
});

describe("FileLock judging a holder it cannot ask", () => {
  // A monotonic clock that jumps 5 s at each reading: staleMs passes without sleeping.
  const fastClock = (): () => number => {
    let t = 0;
    return () => (t += 5000);
  };
  const stoppedClock = (): number => 0;

  it("takes over a record from another host with an mtime in the future after staleMs of its own monotonic time", async () => {
    const path = join(dir, "x.lock");
    writeFileSync(path, JSON.stringify({ pid: 4242, host: ELSEWHERE, token: "x", acquiredAt: 0, heartbeatAt: 0 }));
    utimesSync(path, inOneHour(), inOneHour());
    // Before staleMs has passed on the waiter's clock, the holder may be alive: no takeover.
    const early = await new FileLock(path, { staleMs: 60_000, monotonic: stoppedClock, ...quiet }).acquire({ timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(early).toBeInstanceOf(LockTimeoutError);
    expect(existsSync(path)).toBe(true);
    const release = await new FileLock(path, { staleMs: 60_000, monotonic: fastClock(), ...quiet }).acquire({ timeoutMs: 2000 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`took over the lock .* from pid 4242 on host ${ELSEWHERE}: no heartbeat for \\d+ ms \\(staleMs 60000\\)`),
    );
    await release();
    expect(existsSync(path)).toBe(false);
  });

  it("judges an old record without a host by its heartbeat, even when its pid is gone here", async () => {
    const path = join(dir, "x.lock");
    writeFileSync(path, JSON.stringify({ pid: deadPid(), token: "x", acquiredAt: 0, heartbeatAt: 0 }));
    const early = await new FileLock(path, { staleMs: 10_000, monotonic: stoppedClock, ...quiet }).acquire({ timeoutMs: 200 })
      .catch((e: unknown) => e);
    expect(early).toBeInstanceOf(LockTimeoutError);
    expect((early as Error).message).toMatch(/held by pid \d+ on host \?, whose heartbeat did not change/);
    await (await new FileLock(path, { staleMs: 10_000, monotonic: fastClock(), ...quiet }).acquire({ timeoutMs: 2000 }))();
    expect(warnings[0]).toMatch(/no heartbeat for/);
  });

  it("judges a record of this host name but another boot or pid namespace by its heartbeat", async () => {
    const path = join(dir, "x.lock");
    const record = { pid: deadPid(), host: hostname(), boot: "another-boot", pidns: "pid:[1]", token: "x", acquiredAt: 0, heartbeatAt: 0 };
    writeFileSync(path, JSON.stringify(record));
    if (process.platform !== "linux") return; // elsewhere only the host name identifies the machine
    const err = await new FileLock(path, { staleMs: 10_000, monotonic: stoppedClock, ...quiet }).acquire({ timeoutMs: 200 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect(warnings).toEqual([]);
  });
});

describe("FileLock in one process", () => {
  it("times out with LockTimeoutError naming the path, the holder and the fix", async () => {
    const lock = new FileLock(join(dir, "x.lock"), quiet);
    const release = await lock.acquire();
    const started = performance.now();
    const err = await lock.acquire({ timeoutMs: 150 }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as LockTimeoutError).code).toBe("LOCK_TIMEOUT");
    expect((err as Error).message).toContain(join(dir, "x.lock"));
    expect((err as Error).message).toContain(`held by pid ${process.pid} on host ${hostname()}, which is still running on this machine`);
    expect((err as Error).message).toMatch(/taken over as soon as its process is gone/);
    expect((err as Error).message).not.toMatch(/"token"/);
    await expect(lock.acquire({ timeoutMs: 0 })).rejects.toBeInstanceOf(LockTimeoutError);
    await release();
  });

  it("rejects with the abort signal's reason, before or while waiting", async () => {
    const lock = new FileLock(join(dir, "x.lock"), quiet);
    const reason = new Error("stop waiting");
    await expect(lock.acquire({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const release = await lock.acquire();
    const controller = new AbortController();
    const waiting = lock.acquire({ signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(waiting).rejects.toBe(reason);
    await release();
    await (await lock.acquire())();
  });

  it("hands the lock to the next waiter when released, and writes the owner record", async () => {
    const lock = new FileLock(join(dir, "sub", "x.lock"), quiet);
    const release = await lock.acquire();
    const record = JSON.parse(readFileSync(lock.path, "utf8"));
    expect(record).toMatchObject({ pid: process.pid, host: hostname(), acquiredAt: expect.any(Number) });
    if (process.platform === "linux") {
      expect(record.boot).toBe(readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim());
      expect(record.pidns).toMatch(/^pid:\[\d+\]$/);
    }
    expect(record.token).toMatch(/^[0-9a-f]{32}$/);
    const order: string[] = [];
    const next = lock.acquire({ timeoutMs: 2000 }).then((r) => (order.push("second"), r));
    await sleep(20);
    order.push("first released");
    await release();
    await release(); // a second release is harmless
    await (await next)();
    expect(order).toEqual(["first released", "second"]);
  });

  it("rejects bad options with a TypeError naming them", () => {
    expect(() => new FileLock("")).toThrow(/path/);
    expect(() => new FileLock("x", { staleMs: 0 })).toThrow(/options.staleMs/);
    expect(() => new FileLock("x", { staleMs: 100, heartbeatMs: 100 })).toThrow(/options.heartbeatMs/);
    return expect(new FileLock(join(dir, "y")).acquire({ timeoutMs: -1 })).rejects.toThrow(/options.timeoutMs/);
  });
});

describe("FileLock on a path that is not a regular file", () => {
  // Run in a child process: a lock that spins without awaiting, or blocks in a read, would hang
  // this test runner too; the child can be killed.
  async function acquireInChild(lockPath: string, timeoutMs: number): Promise<string> {
    const child = startChild("lock_acquire.mjs", [modules.lock, lockPath, String(timeoutMs)]);
    try {
      return await child.waitFor(/^(acquired|error) /, 5000);
    } finally {
      child.proc.kill("SIGKILL");
    }
  }
  const old = (path: string): void => utimesSync(path, new Date(Date.now() - 600_000), new Date(Date.now() - 600_000));

  it("refuses a dangling symlink at once with a StoreError naming the path, instead of spinning", async () => {
    const lockPath = join(dir, "td_state.json.lock");
    symlinkSync(join(dir, "nowhere"), lockPath);
    const line = await acquireInChild(lockPath, 500);
    expect(line).toMatch(/^error \d+ StoreError: /);
    expect(line).toContain(`The lock file ${lockPath} is a symbolic link`);
    expect(Number(line.split(" ")[1])).toBeLessThan(500);
  });

  it("refuses a symlink to a real file, and leaves both alone", async () => {
    const lockPath = join(dir, "td_state.json.lock");
    writeFileSync(join(dir, "td_state.json"), "{}");
    symlinkSync(join(dir, "td_state.json"), lockPath);
    expect(await acquireInChild(lockPath, 500)).toMatch(/StoreError: The lock file .* is a symbolic link/);
    expect(readFileSync(lockPath, "utf8")).toBe("{}");
  });

  it("refuses a FIFO, fresh or old, without blocking on a read", async () => {
    const lockPath = join(dir, "td_state.json.lock");
    execFileSync("mkfifo", [lockPath]);
    expect(await acquireInChild(lockPath, 500)).toMatch(/^error \d+ StoreError: The lock file .* is a FIFO/);
    old(lockPath);
    expect(await acquireInChild(lockPath, 500)).toMatch(/^error \d+ StoreError: The lock file .* is a FIFO/);
  });

  it("refuses a folder at the lock path", async () => {
    const lockPath = join(dir, "td_state.json.lock");
    mkdirSync(lockPath);
    expect(await acquireInChild(lockPath, 500)).toMatch(/^error \d+ StoreError: The lock file .* is a folder/);
  });

  it("refuses a FIFO at the takeover file's path while taking over a dead holder's lock", async () => {
    const lockPath = join(dir, "td_state.json.lock");
    writeFileSync(lockPath, JSON.stringify({ pid: deadPid(), host: hostname(), token: "x", acquiredAt: 0, heartbeatAt: 0 }));
    execFileSync("mkfifo", [`${lockPath}.takeover`]);
    const line = await acquireInChild(lockPath, 500);
    expect(line).toMatch(/^error \d+ StoreError: /);
    expect(line).toContain(`${lockPath}.takeover is a FIFO`);
  });
});

/**
 * FileLock: a lock file shared by every process on a machine (or on one shared folder), with an
 * owner record, a heartbeat while held, and safe takeover of a lock whose holder died.
 *
 * @example
 * ```ts
 * import { FileLock } from "tdauth/locks/file";
 * const lock = new FileLock("~/.td_python_api/td_state.json.lock");
 * const release = await lock.acquire({ timeoutMs: 30_000 });
 * try { await updateSharedFile(); } finally { await release(); }
 * ```
 * @module
 */
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  futimesSync,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { clearInterval, setInterval } from "node:timers";
import type { Lock, LockAcquireOptions, Release } from "../../core/types.ts";
import { LockTimeoutError } from "../../core/errors.ts";
import { randomHex } from "../../core/_random.ts";
import { sleep } from "../../core/_sleep.ts";
import { durationMs, optionalFunction, timeoutMs } from "../_shared/options.ts";
import { hostName, processId, processSpace, processState } from "./_env.ts";
import { describeHolder, judgeHolder } from "./_holder.ts";
import { code, lookAt, type OwnerRecord, readLockFile, readRecord, sameFile, type Seen, unchanged, type Watch } from "./_lock_file.ts";
import { expandHome } from "./_home.ts";

/** Options of {@link FileLock}. */
export interface FileLockOptions {
  /**
   * A lock held from another machine (or whose record cannot be judged) is taken over once its
   * heartbeat has not changed for this long, on this process's monotonic clock. Default 10 s.
   */
  staleMs?: number;
  /** How often a holder refreshes its heartbeat. Default `staleMs / 3`; must be below `staleMs`. */
  heartbeatMs?: number;
  /** Longest pause between two attempts while the lock is busy (polls start at 1 ms, double, jittered). Default 25 ms. */
  retryMs?: number;
  /** Clock for the times written into the owner record, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Monotonic clock, ms, on which `staleMs` and a holder's own lateness are measured. Default `performance.now`. */
  monotonic?: () => number;
  /** Called with a one-line message on a takeover or a lost lock. Default `console.warn`. */
  onWarning?: (message: string) => void;
}

/**
 * A cross-process {@link Lock} on a lock file, created with O_EXCL (`open(path, "wx")`).
 *
 * Holding: the file carries `{ pid, host, boot, pidns, token, acquiredAt, heartbeatAt }` (boot
 * and pidns on Linux); a timer (unref'd, so it never keeps a process alive) rewrites it every
 * `heartbeatMs`. Releasing removes the file only if it still carries this holder's random token.
 *
 * Takeover is judged by the holder, not by comparing clocks: when the record was written on this
 * machine (same host name and, on Linux, same boot and pid namespace), a holder whose pid runs is
 * never taken over, however old its heartbeat looks, and one whose pid is gone (SIGKILL, crash)
 * is taken over at once. Otherwise (another machine sharing the folder, a record that cannot be
 * read) the waiter watches the file: once it has seen no heartbeat (no change of mtime, ctime or
 * size) for `staleMs` of its own monotonic time, the holder is taken to be dead. No wall clock is
 * compared with another, so a waiter whose clock runs ahead takes nothing early, and a lock with
 * an mtime in the future is taken over after `staleMs` like any other.
 *
 * Removing a dead holder's lock is the dangerous step, because two waiters may both judge it dead
 * and the second could remove the fresh lock the first one just created. So removal is
 * serialised by a second O_EXCL file, `<path>.takeover`: only its holder may remove the main
 * lock, and only after checking, while holding it, that the main lock is still the very file it
 * judged (same inode, device, mtime, ctime and size) and judging its record again. A new lock
 * cannot appear while the dead one exists (O_EXCL) and the dead holder does nothing; after
 * removal the taker competes for the lock through O_EXCL like everyone, so at most one process
 * ever holds it. The removal renames the file to a unique name and checks its inode before
 * unlinking, and puts back anything that was not the judged file.
 *
 * The one assumption, for holders on other machines only (shared by every lease lock without
 * fencing tokens): a live holder never goes `staleMs` without running its heartbeat (not
 * stopped, not suspended, event loop not blocked that long). A holder that notices it was late
 * checks ownership under the takeover file before removing anything, and reports a lost lock
 * through `onWarning`.
 *
 * Anything at the lock path that is not a regular file (a symlink, a FIFO, a folder) is refused
 * with a `StoreError` naming it: FileLock never follows, reads through or waits on it.
 *
 * @example
 * ```ts
 * import { FileLock } from "tdauth/locks/file";
 * const lock = new FileLock("/home/me/.td_python_api/td_state.json.lock", { staleMs: 10_000 });
 * const release = await lock.acquire({ timeoutMs: 30_000 });
 * try { await refreshTokens(); } finally { await release(); }
 * ```
 */
export class FileLock implements Lock {
  /** Absolute path of the lock file (a leading `~` is the home folder, as for `FileStore`). */
  readonly path: string;
  /** How long a holder may go without a heartbeat before another process takes the lock over; default 10 000. */
  readonly staleMs: number;
  readonly #heartbeatMs: number;
  readonly #retryMs: number;
  readonly #now: () => number;
  readonly #monotonic: () => number;
  readonly #customClock: boolean;
  #takeoverWatch: { seen: Seen; since: number } | undefined;
  readonly #warn: (message: string) => void;

  /**
   * Takes nothing yet: the lock file is created on `acquire()`.
   *
   * @param path The lock file, usually the credentials file's path plus `.lock`; a leading `~` is the home folder.
   * @param options Staleness, heartbeat and retry timing ({@link FileLockOptions}); a bad one throws `TypeError` naming it.
   */
  constructor(path: string, options: FileLockOptions = {}) {
    if (typeof path !== "string" || path.trim() === "") throw new TypeError("path must be a non-empty string");
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    this.path = resolve(expandHome(path));
    this.staleMs = durationMs(options.staleMs ?? 10_000, "options.staleMs");
    this.#heartbeatMs = durationMs(options.heartbeatMs ?? this.staleMs / 3, "options.heartbeatMs");
    if (this.#heartbeatMs >= this.staleMs) throw new TypeError("options.heartbeatMs must be below options.staleMs");
    this.#retryMs = durationMs(options.retryMs ?? 25, "options.retryMs");
    const now = optionalFunction(options.now, "options.now");
    this.#now = now ?? Date.now;
    this.#customClock = now !== undefined;
    this.#warn = optionalFunction(options.onWarning, "options.onWarning") ?? ((message) => console.warn(message));
    this.#monotonic = optionalFunction(options.monotonic, "options.monotonic") ?? (() => performance.now());
  }

  /**
   * Waits for the lock. Rejects with `LockTimeoutError` after `timeoutMs` (0 = try once; default:
   * wait as long as it takes) and with the signal's reason when `signal` aborts.
   *
   * @example
   * ```ts
   * const release = await lock.acquire({ timeoutMs: 5_000, signal: AbortSignal.timeout(10_000) });
   * await release();
   * ```
   */
  async acquire(options: LockAcquireOptions = {}): Promise<Release> {
    const { signal } = options;
    const wait = options.timeoutMs === undefined ? Infinity : timeoutMs(options.timeoutMs, "options.timeoutMs");
    signal?.throwIfAborted();
    const deadline = performance.now() + wait;
    let pause = 1;
    let watch: Watch | undefined;
    // Every turn ends in an await, so the loop never holds the event loop, and an abort or the
    // deadline is seen on the next turn whatever is at the path.
    for (;;) {
      const release = this.#tryCreate();
      if (release !== null) return release;
      const seen = lookAt(this.path);
      if (seen !== null && (watch === undefined || !unchanged(watch.seen, seen))) {
        watch = { seen, since: this.#monotonic(), holder: readRecord(this.path) };
      }
      // Released between our create and our look, or just taken over: try again without a pause.
      const again = seen === null || (this.#whyDead(watch!) !== undefined && this.#takeOver(watch!));
      const left = deadline - performance.now();
      if (left <= 0) {
        const last = again ? this.#tryCreate() : null;
        if (last !== null) return last;
        throw this.#timeoutError(wait, watch);
      }
      await sleep(again ? 0 : Math.min(left, pause * (0.5 + Math.random())), signal);
      if (!again) pause = Math.min(pause * 2, this.#retryMs);
    }
  }

  // Synchronous fs: the lock file is tiny and a thread-pool round trip per call costs more than
  // the work (~0.03 ms sync vs ~0.12 ms with promises per acquire+release, measured on Node 20).
  #tryCreate(retried = false): Release | null {
    let fd: number;
    try {
      fd = openSync(this.path, "wx", 0o600);
    } catch (err) {
      if (code(err) === "EEXIST") return null;
      if (code(err) !== "ENOENT" || retried) throw err;
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      return this.#tryCreate(true);
    }
    const t = this.#now();
    const { boot, pidns } = processSpace();
    const record: OwnerRecord = {
      pid: processId(),
      host: hostName(),
      ...(boot === undefined ? {} : { boot }),
      ...(pidns === undefined ? {} : { pidns }),
      token: randomHex(16),
      acquiredAt: t,
      heartbeatAt: t,
    };
    try {
      writeSync(fd, JSON.stringify(record));
      if (this.#customClock) futimesSync(fd, t / 1000, t / 1000);
    } catch (err) {
      closeSync(fd);
      unlinkSync(this.path);
      throw err;
    }
    return this.#held(fd, record);
  }

  #held(fd: number, record: OwnerRecord): Release {
    let lastBeat = this.#monotonic();
    let lost = false;
    let open = true;
    const beat = (): void => {
      try {
        // Our inode lost its name: somebody judged us dead and took over.
        if (fstatSync(fd).nlink === 0) {
          lost = true;
          clearInterval(timer);
          return;
        }
        const t = this.#now();
        record.heartbeatAt = t;
        const text = JSON.stringify(record);
        // The fd, not the path: a heartbeat can only ever touch the file this holder created.
        writeSync(fd, text, 0);
        ftruncateSync(fd, new TextEncoder().encode(text).length);
        futimesSync(fd, t / 1000, t / 1000);
        lastBeat = this.#monotonic();
      } catch {
        // A failed heartbeat is retried at the next tick; staleness has a 3x margin.
      }
    };
    const timer = setInterval(beat, this.#heartbeatMs);
    timer.unref?.();
    // Synchronous fs work behind the Promise-returning Release: async turns its throws into rejections.
    // deno-lint-ignore require-await
    return async () => {
      if (!open) return;
      open = false;
      clearInterval(timer);
      const late = this.#monotonic() - lastBeat > this.staleMs / 2;
      if (!lost && late) beat();
      try {
        closeSync(fd);
      } catch {
        // Already closed by the runtime at shutdown.
      }
      if (lost) return this.#reportLost(record);
      if (late) {
        // A takeover may be under way: decide ownership only while holding the takeover file.
        if (!this.#tryTakeoverFile()) return; // someone is taking over: leave the file to them
        try {
          this.#unlinkIfMine(record);
        } finally {
          this.#releaseTakeoverFile();
        }
        return;
      }
      this.#unlinkIfMine(record);
    };
  }

  #unlinkIfMine(record: OwnerRecord): void {
    let text: string | null;
    try {
      text = readLockFile(this.path);
    } catch {
      // Something else now sits at the path: not ours to remove.
      return this.#reportLost(record);
    }
    if (text === null || !text.includes(`"token":"${record.token}"`)) return this.#reportLost(record);
    try {
      unlinkSync(this.path);
    } catch (err) {
      if (code(err) !== "ENOENT") throw err;
    }
  }

  #reportLost(record: OwnerRecord): void {
    this.#warn(
      `tdauth: the lock ${this.path} was taken over while pid ${record.pid} held it (a waiter saw no heartbeat for ${this.staleMs} ms); ` +
        "another process may have worked at the same time. Keep the event loop free while holding it, or raise staleMs.",
    );
  }

  #tryTakeoverFile(): boolean {
    try {
      closeSync(openSync(`${this.path}.takeover`, "wx", 0o600));
      return true;
    } catch (err) {
      if (code(err) !== "EEXIST") throw err;
      // A taker that died inside its few-microsecond takeover leaves this file behind: one that
      // has not changed for staleMs of our time is removed.
      const seen = lookAt(`${this.path}.takeover`);
      const watch = this.#takeoverWatch;
      if (seen === null) return false;
      if (watch === undefined || !unchanged(watch.seen, seen)) this.#takeoverWatch = { seen, since: this.#monotonic() };
      else if (this.#monotonic() - watch.since > this.staleMs) this.#removeIfSame(`${this.path}.takeover`, seen);
      return false;
    }
  }

  #releaseTakeoverFile(): void {
    try {
      unlinkSync(`${this.path}.takeover`);
    } catch {
      // Removed as stale by someone else: nothing to do.
    }
  }

  /** Why the holder of the watched file is dead, or undefined while it may be alive. */
  #whyDead(watch: Watch): string | undefined {
    const verdict = judgeHolder(watch.holder, processSpace(), processState);
    if (verdict === "gone") return "its process is no longer running";
    if (verdict === "alive") return undefined;
    const quiet = this.#monotonic() - watch.since;
    return quiet > this.staleMs ? `no heartbeat for ${Math.round(quiet)} ms (staleMs ${this.staleMs})` : undefined;
  }

  /** Removes the dead holder's lock under the takeover file; true when the caller should retry at once. */
  #takeOver(watch: Watch): boolean {
    if (!this.#tryTakeoverFile()) return false;
    try {
      const current = lookAt(this.path);
      if (current === null) return true;
      if (!unchanged(current, watch.seen)) return false;
      // Judged again on the record as it is now, read while the file is known to be the same.
      const holder = readRecord(this.path);
      const again = lookAt(this.path);
      if (again === null || !unchanged(again, watch.seen)) return false;
      const why = this.#whyDead({ ...watch, holder });
      if (why === undefined || !this.#removeIfSame(this.path, watch.seen)) return false;
      this.#warn(`tdauth: took over the lock ${this.path} from ${describeHolder(holder)}: ${why}`);
      return true;
    } finally {
      this.#releaseTakeoverFile();
    }
  }

  // Rename-then-check instead of a bare unlink: if, against the argument above, the name now
  // points at another file, that file is linked back (link fails rather than overwrite).
  #removeIfSame(path: string, seen: Seen): boolean {
    const aside = `${path}.${randomHex(6)}.stale`;
    try {
      renameSync(path, aside);
    } catch (err) {
      if (code(err) === "ENOENT") return false;
      throw err;
    }
    let moved: Seen | null = null;
    try {
      moved = lookAt(aside);
    } catch {
      // Not a regular file: certainly not the one judged stale, so it goes back below.
    }
    if (moved !== null && sameFile(moved, seen)) {
      unlinkSync(aside);
      return true;
    }
    try {
      linkSync(aside, path);
    } catch {
      this.#warn(`tdauth: could not restore ${path} during a lock takeover; two processes may hold it`);
    }
    try {
      unlinkSync(aside);
    } catch {
      // Nothing left to clean.
    }
    return false;
  }

  #timeoutError(timeoutMs: number, watch: Watch | undefined): LockTimeoutError {
    const holder = watch?.holder ?? null;
    const verdict = judgeHolder(holder, processSpace(), processState);
    const state = verdict === "alive"
      ? "which is still running on this machine"
      : `whose heartbeat did not change for the last ${Math.round(this.#monotonic() - (watch?.since ?? this.#monotonic()))} ms`;
    const fix = verdict === "alive"
      ? `If that process is stuck, stop it (a holder on this machine is taken over as soon as its process is gone); if it is not a tdauth process (its pid was reused), delete ${this.path}`
      : `If that process is stuck, stop it (a holder on another machine is taken over ${this.staleMs} ms after its last heartbeat)`;
    return new LockTimeoutError(
      `Timed out after ${timeoutMs} ms waiting for the lock ${this.path}, held by ${describeHolder(holder)}, ${state}. ${fix}; ` +
        "otherwise retry later or raise timeoutMs.",
    );
  }
}

// The lock file as FileLock sees it: what is at a path, read without following a link or waiting
// on a pipe, so a hostile or broken entry is refused at once instead of spinning or blocking.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from "node:fs";
import { StoreError } from "../../core/errors.ts";
import { entryKind } from "./_fs.ts";

/** The identity of one lock file at the moment it was looked at. */
export interface Seen {
  ino: number;
  dev: number;
  mtimeMs: number;
  /** Changes on every write or utimes, whatever clock the writer has: the heartbeat as the kernel saw it. */
  ctimeMs: number;
  size: number;
}

/** What is written into the lock file (no secret: the token only identifies the owner). */
export interface OwnerRecord {
  pid: number;
  host: string;
  /** Linux: the boot and the pid namespace, within which `pid` means something. */
  boot?: string;
  pidns?: string;
  token: string;
  acquiredAt: number;
  heartbeatAt: number;
}

/** The lock file as last seen by one waiter: since when (monotonic) it has not changed, and its record. */
export interface Watch {
  seen: Seen;
  since: number;
  holder: Record<string, unknown> | null;
}

/** The `code` of a Node-style system error (`ENOENT`, `EEXIST`, …), if it has one. */
export const code = (err: unknown): string | undefined => (err as { code?: string }).code;

// O_NONBLOCK: opening a FIFO for reading would wait for a writer. O_NOFOLLOW: a link swapped in
// after the lstat is refused (ELOOP) instead of read. Windows has neither, nor FIFOs or such links.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/** A lock record is a few hundred bytes; anything much bigger is not one. */
const MAX_RECORD_BYTES = 4096;

function notRegular(st: Stats, path: string): StoreError {
  return new StoreError(
    `The lock file ${path} is ${entryKind(st, path)}, not a regular file: FileLock only creates and removes plain files there. ` +
      `Remove it (rm "${path}") or point the lock elsewhere.`,
  );
}

/**
 * What is at `path` without following a link: null when nothing is, its identity when it is a
 * regular file, and a StoreError naming the path and what is there otherwise.
 *
 * @example
 * ```ts
 * const seen = lookAt("/home/me/.td_python_api/td_state.json.lock");
 * ```
 */
export function lookAt(path: string): Seen | null {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (err) {
    if (code(err) === "ENOENT") return null;
    throw err;
  }
  if (!st.isFile()) throw notRegular(st, path);
  return { ino: st.ino, dev: st.dev, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, size: st.size };
}

/** Same inode and the same last write: the file judged before is still the one there. */
export const sameFile = (a: Seen, b: Seen): boolean => a.ino === b.ino && a.dev === b.dev && a.mtimeMs === b.mtimeMs;

/** {@link sameFile}, and untouched since (no heartbeat, whatever the writer's clock said). */
export const unchanged = (a: Seen, b: Seen): boolean => sameFile(a, b) && a.ctimeMs === b.ctimeMs && a.size === b.size;

/**
 * The text of the lock file at `path`: null when it is gone; a StoreError when something other
 * than a regular file is there. Never follows a link and never waits on a pipe.
 *
 * @example
 * ```ts
 * const text = readLockFile(path); // '{"pid":123,"host":"box",...}'
 * ```
 */
export function readLockFile(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (err) {
    if (code(err) === "ENOENT") return null;
    if (code(err) === "ELOOP") throw notRegular(lstatSync(path), path);
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(st, path);
    const buffer = new Uint8Array(Math.min(st.size, MAX_RECORD_BYTES));
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, length);
      if (n === 0) break;
      length += n;
    }
    return new TextDecoder().decode(buffer.subarray(0, length));
  } finally {
    closeSync(fd);
  }
}

/**
 * The lock file's owner record as far as it can be read: an object, or null (gone, empty, cut
 * short, not JSON). Something other than a regular file is a StoreError.
 *
 * @example
 * ```ts
 * const holder = readRecord(path); // { pid: 123, host: "box", ... } or null
 * ```
 */
export function readRecord(path: string): Record<string, unknown> | null {
  const text = readLockFile(path);
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

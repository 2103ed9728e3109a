// File-system helpers for FileStore: crash-safe replace, folder fsync, stale temp files, modes.
import { chmodSync, readlinkSync, type Stats, statSync } from "node:fs";
import { chmod, mkdir, open, readdir, readlink, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { randomHex } from "../../core/_random.ts";
import { hostName, processAlive, processId } from "./_env.ts";

/**
 * POSIX modes mean nothing on Windows (every file reports 0666/0444). Read from the global
 * process, not `node:process`, whose import builds the stdio streams (≈4 ms of start-up).
 */
export const POSIX: boolean = (globalThis as { process?: { platform?: string } }).process?.platform !== "win32";

/** Temp files of a process that is gone, or of another machine, are removed after this long. */
const TEMP_MAX_AGE_MS = 3_600_000;

/**
 * A short, stable tag of this machine's name, so a temp file's name tells which host wrote it
 * (a pid only means something on its own host).
 *
 * @example
 * ```ts
 * const tag = hostTag(); // "9f2c01ab"
 * ```
 */
export function hostTag(): string {
  let h = 0x811c9dc5;
  for (const ch of hostName()) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

const tempPrefix = (target: string): string => `.${basename(target)}.`;

/**
 * The name of a fresh temp file beside `target`: `.<name>.<hosttag>.<pid>.<random>.tmp`.
 *
 * @example
 * ```ts
 * tempPathFor("/home/me/.td_python_api/td_state.json");
 * ```
 */
export function tempPathFor(target: string): string {
  return join(dirname(target), `${tempPrefix(target)}${hostTag()}.${processId()}.${randomHex(6)}.tmp`);
}

/**
 * Flushes a folder's entry table so a rename survives power loss. Some platforms cannot open or
 * fsync a folder (Windows: EPERM/EISDIR; some file systems: EINVAL); the rename is still atomic
 * there, only its durability is the OS's business.
 *
 * @example
 * ```ts
 * await fsyncFolder("/home/me/.td_python_api");
 * ```
 */
export async function fsyncFolder(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (!["EINVAL", "EISDIR", "EPERM", "EACCES", "ENOTSUP", "EBADF"].includes(code ?? "")) throw err;
  } finally {
    await fh?.close().catch(() => {});
  }
}

/**
 * Writes `data` to `target` so that a crash at any moment leaves the old file or the new one:
 * a temp file in the same folder (same file system, so rename is atomic) is written, fsynced,
 * closed and renamed over the target; then the folder is fsynced.
 *
 * @example
 * ```ts
 * await writeAtomic("/home/me/.td_python_api/td_state.json", text);
 * ```
 */
export async function writeAtomic(target: string, data: string): Promise<void> {
  const tmp = tempPathFor(target);
  const fh = await open(tmp, "wx", 0o600);
  try {
    await fh.writeFile(data, "utf8");
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    await renameRetrying(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fsyncFolder(dirname(target));
}

// Windows refuses to replace a file another process has open for a moment (antivirus, indexer).
async function renameRetrying(from: string, to: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      return await rename(from, to);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (POSIX || attempt >= 5 || !["EPERM", "EACCES", "EBUSY"].includes(code ?? "")) throw err;
      await new Promise((r) => setTimeout(r, 10 * (attempt + 1)));
    }
  }
}

/**
 * Removes temp files that a killed writer left beside `target`: those of a process of this
 * host that no longer runs, and any older than an hour. A live writer's temp file is never
 * touched. Best effort: errors are ignored.
 *
 * @example
 * ```ts
 * await removeStaleTemps("/home/me/.td_python_api/td_state.json", Date.now());
 * ```
 */
export async function removeStaleTemps(target: string, now: number): Promise<number> {
  const prefix = tempPrefix(target);
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return 0;
  }
  const myTag = hostTag();
  const myPid = processId();
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const parts = name.slice(prefix.length, -".tmp".length).split(".");
    if (parts.length !== 3) continue;
    const [tag, pidText] = parts;
    const pid = Number(pidText);
    const path = join(dirname(target), name);
    let dead = tag === myTag && pid !== myPid && !processAlive(pid);
    if (!dead) {
      try {
        dead = now - (await stat(path)).mtimeMs > TEMP_MAX_AGE_MS;
      } catch {
        continue;
      }
    }
    if (dead) {
      try {
        await unlink(path);
        removed++;
      } catch {
        // Another writer cleaned it first.
      }
    }
  }
  return removed;
}

/**
 * Where a file at `path` really is: the path with every symbolic link resolved, also when the
 * last link dangles (its target was deleted), so that writing and deleting happen where the link
 * points instead of replacing or removing the link itself.
 *
 * @example
 * ```ts
 * await linkTarget("/home/me/.td_python_api/td_state.json"); // "/home/me/Sync/td_state.json"
 * ```
 */
export async function linkTarget(path: string): Promise<string> {
  let current = path;
  // 40 hops, as Linux's own limit (ELOOP) for path resolution.
  for (let hops = 0; hops < 40; hops++) {
    try {
      return await realpath(current);
    } catch (err) {
      if ((err as { code?: string }).code !== "ENOENT") return current;
    }
    // Nothing at the end of the chain: follow the last link by hand, if it is one.
    let link: string;
    try {
      link = await readlink(current);
    } catch {
      // Not a link (or gone): the file would be created right here, in its folder's real place.
      try {
        return join(await realpath(dirname(current)), basename(current));
      } catch {
        return current;
      }
    }
    current = resolve(dirname(current), link);
  }
  return current;
}

/**
 * Creates `dir` (0700) if needed and returns the mode it has (undefined on Windows).
 *
 * @example
 * ```ts
 * const mode = await ensureFolder("/home/me/.td_python_api");
 * ```
 */
export async function ensureFolder(dir: string): Promise<number | undefined> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!POSIX) return undefined;
  return (await stat(dir)).mode & 0o777;
}

/**
 * Sets a mode, returning false when this user may not (not the owner).
 *
 * @example
 * ```ts
 * await tighten(path, 0o600);
 * ```
 */
export async function tighten(path: string, mode: number): Promise<boolean> {
  try {
    await chmod(path, mode);
    return true;
  } catch {
    return false;
  }
}

/**
 * What a directory entry that is not a regular file is, for messages: "a symbolic link to …",
 * "a FIFO (named pipe)", "a folder", "a socket", "a device".
 *
 * @example
 * ```ts
 * entryKind(lstatSync(path), path); // "a symbolic link to /tmp/elsewhere"
 * ```
 */
export function entryKind(st: Stats, path: string): string {
  if (st.isSymbolicLink()) {
    let target = "";
    try {
      target = ` to ${readlinkSync(path)}`;
    } catch {
      // Unreadable link: name it without its target.
    }
    return `a symbolic link${target}`;
  }
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isDirectory()) return "a folder";
  if (st.isSocket()) return "a socket";
  if (st.isBlockDevice() || st.isCharacterDevice()) return "a device";
  return st.isFile() ? "a regular file" : "not a regular file";
}

/**
 * Makes a secret-holding file 0600 when other users may read or write it, and returns the
 * one-line warning to show (undefined when it was private already, is gone, or on Windows).
 * Synchronous: a stat and a chmod, called where a file is read (credentials, certificate key,
 * tdauth.json) and before a slow path could race a change.
 *
 * @example
 * ```ts
 * const warning = tightenFileMode("/home/me/.td_python_api/td_state.json");
 * if (warning) onWarning(warning);
 * ```
 */
export function tightenFileMode(path: string): string | undefined {
  if (!POSIX) return undefined;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) === 0) return undefined;
  try {
    chmodSync(path, 0o600);
    return `tdauth: ${path} was accessible by other users (mode ${octal(mode)}); changed it to 0600`;
  } catch {
    return `tdauth: ${path} is accessible by other users (mode ${octal(mode)}) and could not be changed: run chmod 600 "${path}"`;
  }
}

/**
 * An octal mode as `ls`-minded people read it: `0644`.
 *
 * @example
 * ```ts
 * octal(0o644); // "0644"
 * ```
 */
export function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, "0")}`;
}

/**
 * FileStore: a crash-safe credentials file that the Python `td` library, or schwab-py, can read
 * and write too.
 *
 * @example
 * ```ts
 * import { AuthSession, schwab } from "tdauth";
 * import { FileStore } from "tdauth/stores/file";
 * // Every process on this file shares one session; the FileLock beside it makes one refresh per expiry.
 * const store = new FileStore("~/.td_python_api/td_state.json");
 * const session = new AuthSession({ provider: schwab({ clientId, clientSecret, redirectURI: "https://127.0.0.1:8182" }), store });
 * const token = await session.accessToken();
 * ```
 * @module
 */
import { realpathSync } from "node:fs";
import { readFile, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Lock, StoredTokens, TokenStore } from "../../core/types.ts";
import { StoreError } from "../../core/errors.ts";
import { readEnv } from "./_env.ts";
import { expandHome, tdauthHome } from "./_home.ts";
import { parseKey } from "../_shared/key.ts";
import { durationMs, optionalFunction } from "../_shared/options.ts";
import { checkStoredTokens } from "../_shared/tokens.ts";
import { decryptText, encryptText, looksEncrypted } from "./_crypto.ts";
import { decodeCredentials, DEFAULT_REFRESH_LIFETIME_MS, encodeCredentials, FormatError, unknownKeys } from "./_format.ts";
import type { CredentialsJSON } from "./_format.ts";
import { decodeSchwabPy, encodeSchwabPy, isSchwabPyJSON, pythonJSON, SCHWAB_PY_REFRESH_LIFETIME_MS, schwabPyExtra } from "./_schwab_py.ts";
import { PartlyWritten, settledRead } from "./_settled_read.ts";
import { ensureFolder, linkTarget, POSIX, removeStaleTemps, writeAtomic } from "./_fs.ts";
import { ioError, StoreWarnings } from "./_store_warnings.ts";
import { type CredentialsFormat, type FileStoreOptions, FORMATS } from "./_store_options.ts";

export type { CredentialsFormat, FileStoreOptions };
import { fileStoreLock } from "./_default_lock.ts";

/** A credentials file read and understood. */
interface Decoded {
  tokens: StoredTokens | null;
  /** Keys tdauth does not own, carried over on save. */
  extra: CredentialsJSON;
  format: CredentialsFormat;
}

/** A file whose content cannot be read (damaged, wrong key, wrong shape): `load` throws its error, `save` refuses to replace it. */
class Unreadable {
  readonly error: StoreError;
  constructor(error: StoreError) {
    this.error = error;
  }
}

/**
 * Whether `folder` is tdauth's own. An explicit path must not need to know: finding the home
 * folder may take a permission (Deno's --allow-sys) that a program with its own path never granted.
 */
function isDefaultFolder(folder: string): boolean {
  try {
    return folder === dirname(resolve(defaultCredentialsPath()));
  } catch {
    return false;
  }
}

/**
 * The default credentials path: `$TDAUTH_HOME/td_state.json`, else `~/.td_python_api/td_state.json`.
 *
 * @example
 * ```ts
 * defaultCredentialsPath();                          // "/home/me/.td_python_api/td_state.json"
 * defaultCredentialsPath({ TDAUTH_HOME: "/srv/td" }); // "/srv/td/td_state.json"
 * ```
 */
export function defaultCredentialsPath(env?: Record<string, string | undefined>): string {
  return join(tdauthHome(env), "td_state.json");
}

const FIX = "delete it and run `tdauth login`";

/** `path` with symlinks resolved: its own, else its folder's (a file not written yet), else as given. */
function realFile(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

/**
 * A {@link TokenStore} in one JSON file, in the Python `td` library's format plus tdauth's keys,
 * so the same file works with both. Saves are atomic (temp file, fsync, rename, folder fsync):
 * a crash leaves the old or the new file. The file is 0600 and its folder 0700; a looser file
 * found by `load` (e.g. one the Python library wrote with the umask's 0644) is tightened and
 * reported once through `onWarning`. Temp files left by a killed writer are removed by the next
 * save (those of a dead process of this host at once, any other after an hour).
 *
 * A file that cannot be read is reported as `StoreError` naming the path and the fix, and is
 * never changed by the failed load nor replaced by a later `save` (see `overwriteCorrupt`).
 * Unknown keys in an existing file are kept on save. A file found empty or cut off is read again
 * a few times over about 0.6 s before it counts as unreadable: the Python `td` library and
 * schwab-py rewrite the file in place (truncate, then write), so a read can fall between the two.
 *
 * A schwab-py token file is recognised on load, and `save` keeps the layout of the file it
 * replaces (see {@link FileStoreOptions.format}).
 *
 * @example
 * ```ts
 * import { FileStore } from "tdauth/stores/file";
 * const store = new FileStore();                       // ~/.td_python_api/td_state.json
 * const secret = new FileStore("/srv/td/state.jwe", { key: process.env.MY_KEY });
 * const shared = new FileStore("~/schwab/token.json", { format: "schwab-py" }); // the file a schwab-py bot uses
 * await store.save(tokens);
 * const tokens2 = await store.load();
 * ```
 */
export class FileStore implements TokenStore {
  /** Absolute path of the credentials file. */
  readonly path: string;
  /**
   * The file's real path (symlinks resolved, also of a file not written yet): stores on the same
   * file share their lock by it, whatever path they were given.
   */
  readonly lockKey: string;
  readonly #key: Uint8Array | undefined;
  readonly #keyName: string;
  readonly #format: CredentialsFormat | undefined;
  // The layout of the last file loaded: a save with nothing to replace keeps it.
  #loadedFormat: CredentialsFormat | undefined;
  readonly #lifetime: number | undefined;
  readonly #overwriteCorrupt: boolean;
  readonly #warn: (message: string) => void;
  readonly #warnings: StoreWarnings;

  /**
   * Reads and writes nothing yet: the file is read on `load()` and written on `save()`.
   *
   * @param path The credentials file; default `~/.td_python_api/td_state.json` (`TDAUTH_HOME` overrides the folder); a
   *   leading `~` is the home folder.
   * @param options The encryption key and the other settings of {@link FileStoreOptions}; a bad one throws `TypeError` naming it.
   */
  constructor(path?: string, options: FileStoreOptions = {}) {
    if (path !== undefined && (typeof path !== "string" || path.trim() === "")) {
      throw new TypeError("path must be a non-empty string");
    }
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    this.path = resolve(expandHome(path ?? defaultCredentialsPath()));
    this.lockKey = realFile(this.path);
    const envKey = readEnv("TDAUTH_KEY");
    if (options.key !== undefined) {
      this.#key = parseKey(options.key, "options.key");
      this.#keyName = "options.key";
    } else if (envKey !== undefined && envKey.trim() !== "") {
      this.#key = parseKey(envKey, "TDAUTH_KEY");
      this.#keyName = "TDAUTH_KEY";
    } else {
      this.#keyName = "TDAUTH_KEY";
    }
    if (options.format !== undefined && !FORMATS.includes(options.format)) {
      throw new TypeError(`options.format must be "tdauth" or "schwab-py", not ${JSON.stringify(options.format)}`);
    }
    if (options.format === "schwab-py" && options.key !== undefined) {
      throw new TypeError('options.key cannot be used with format "schwab-py": schwab-py reads its token file as plain JSON');
    }
    this.#format = options.format;
    this.#lifetime = options.refreshTokenLifetimeMs === undefined
      ? undefined
      : durationMs(options.refreshTokenLifetimeMs, "options.refreshTokenLifetimeMs");
    this.#overwriteCorrupt = options.overwriteCorrupt === true;
    const folder = dirname(this.path);
    this.#warn = optionalFunction(options.onWarning, "options.onWarning") ?? ((message) => console.warn(message));
    this.#warnings = new StoreWarnings(
      this.#warn,
      options.fixFolderMode ?? (basename(folder) === ".td_python_api" || isDefaultFolder(folder)),
    );
  }

  /**
   * The lock an `AuthSession` on this store uses when given none: a `FileLock` at
   * `<lockKey>.lock`, behind one in-process lock per file, shared by every `FileStore` of this
   * process on the same file. So the shortest program is safe across processes. Where the folder
   * is read-only it falls back to the in-process lock, with one warning through `onWarning`.
   *
   * @example
   * ```ts
   * const session = new AuthSession({ provider, store: new FileStore() }); // locks ~/.td_python_api/td_state.json.lock
   * ```
   */
  defaultLock(): Lock {
    return fileStoreLock(this.lockKey, this.#warn);
  }

  /** Whether the file is written encrypted (a key was given or `TDAUTH_KEY` is set). */
  get encrypted(): boolean {
    return this.#key !== undefined;
  }

  /**
   * The stored tokens; null when there is no file or it says "not logged in" (`{}`, or the
   * Python library's `access_token: null`).
   *
   * @example
   * ```ts
   * const tokens = await new FileStore().load();
   * if (tokens === null) console.log("run `tdauth login`");
   * ```
   */
  async load(): Promise<StoredTokens | null> {
    const file = await this.#readFile(this.path);
    if (file === null) return null;
    if (file instanceof Unreadable) throw file.error;
    this.#warnings.fixFile(this.path);
    this.#loadedFormat = file.format;
    return file.tokens;
  }

  /**
   * Replaces the stored record atomically.
   *
   * @example
   * ```ts
   * await store.save({ accessToken, refreshToken, tokenType: "Bearer", accessExpiresAt, authorizedAt: Date.now() });
   * ```
   */
  async save(tokens: StoredTokens): Promise<void> {
    checkStoredTokens(tokens, "FileStore.save(tokens)");
    const target = await this.#target();
    let extra: CredentialsJSON = {};
    try {
      const mode = await ensureFolder(dirname(target));
      if (mode !== undefined) await this.#warnings.folder(dirname(target), mode);
    } catch (err) {
      throw ioError("create the folder of", dirname(target), err);
    }
    let format = this.#format ?? this.#loadedFormat;
    const old = await this.#readFile(target);
    if (old instanceof Unreadable) {
      if (!this.#overwriteCorrupt) {
        throw new StoreError(
          `${old.error.message} Refusing to overwrite it: move it away or delete it first ` +
            "(or create the store with overwriteCorrupt: true).",
        );
      }
      this.#warn(`tdauth: replaced the unreadable credentials file ${target} (overwriteCorrupt is set)`);
    } else if (old !== null) {
      format = this.#format ?? old.format;
      // Keys of the other layout would land in the wrong place.
      if (old.format === format) extra = old.extra;
    }
    if (old !== null && POSIX) await this.#warnings.looseFile(target);
    let text: string;
    if (format === "schwab-py") {
      if (this.#key !== undefined) {
        this.#warnings.once(
          `schwab-py:${target}`,
          `tdauth: ${target} is a schwab-py token file, so it stays unencrypted (schwab-py reads plain JSON) although ${this.#keyName} is set`,
        );
      }
      text = pythonJSON(encodeSchwabPy(tokens, this.#lifetimeFor("schwab-py"), extra));
    } else {
      text = JSON.stringify(encodeCredentials(tokens, this.#lifetimeFor("tdauth"), extra), null, 4);
      if (this.#key !== undefined) text = await encryptText(text, this.#key);
    }
    await removeStaleTemps(target, Date.now());
    try {
      await writeAtomic(target, text);
    } catch (err) {
      throw ioError("write", target, err);
    }
  }

  /**
   * Deletes the file (logout) where `save` writes it: through a symbolic link, the file it points
   * to goes and the link stays, so the next `save` writes there again. A missing file is fine; an
   * unreadable one is deleted too.
   *
   * @example
   * ```ts
   * await store.clear();
   * ```
   */
  async clear(): Promise<void> {
    const target = await this.#target();
    try {
      await unlink(target);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "ENOENT" || code === "ENOTDIR") return;
      throw ioError("delete", target, err);
    }
  }

  // A symlinked credentials file (e.g. into a synced folder) is updated where it points, as the
  // Python library's open(path, "w+") would, instead of being replaced by a plain file; a link
  // whose file was deleted (by clear()) gets it back where it pointed.
  #target(): Promise<string> {
    return linkTarget(this.path);
  }

  async #read(path: string): Promise<string | null> {
    try {
      return await readFile(path, "utf8");
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "ENOENT" || code === "ENOTDIR") return null;
      throw ioError("read", path, err);
    }
  }

  /**
   * The file's tokens, its layout and the keys it holds that tdauth does not own; null when there
   * is no file; {@link Unreadable} when its content cannot be read (I/O errors are thrown). A
   * file that looks half-written is read again a few times first.
   */
  async #readFile(path: string): Promise<Decoded | Unreadable | null> {
    const read = await settledRead(async () => {
      const text = await this.#read(path);
      if (text === null) return null;
      try {
        const json = await this.#parse(text, path);
        return json instanceof PartlyWritten ? json : this.#decode(json, path);
      } catch (err) {
        if (err instanceof StoreError) return new Unreadable(err);
        throw err;
      }
    });
    // A file that stayed half-written is unreadable like any other.
    return read instanceof PartlyWritten ? new Unreadable(read.error) : read;
  }

  // Messages name the path and the fix, never the content: JSON.parse's own message quotes the
  // text around the error, which may be a token, so it is neither used nor attached as cause.
  async #parse(text: string, path: string): Promise<unknown> {
    let plain = text;
    if (text.trim() === "") {
      return new PartlyWritten(new StoreError(`The credentials file ${path} is empty (a write was cut short?): ${FIX}.`));
    }
    if (looksEncrypted(text)) {
      if (this.#key === undefined) {
        throw new StoreError(`The credentials file ${path} is encrypted: set TDAUTH_KEY (or options.key) to the key it was written with.`);
      }
      try {
        plain = await decryptText(text, this.#key);
      } catch {
        throw new StoreError(
          `Cannot decrypt the credentials file ${path} with ${this.#keyName}: check ${this.#keyName} is the key it was written with, or ${FIX}.`,
        );
      }
    }
    try {
      const json: unknown = JSON.parse(plain);
      if (plain === text && this.#key !== undefined && !isSchwabPyJSON(json)) {
        this.#warnings.once(
          `plain:${path}`,
          `tdauth: ${path} is not encrypted yet; it will be encrypted with ${this.#keyName} at the next save`,
        );
      }
      return json;
    } catch {
      return new PartlyWritten(new StoreError(`The credentials file ${path} is not valid JSON (corrupt or partly written): ${FIX}.`));
    }
  }

  #decode(json: unknown, path: string): Decoded {
    try {
      if (isSchwabPyJSON(json)) {
        return { tokens: decodeSchwabPy(json, this.#lifetimeFor("schwab-py")), extra: schwabPyExtra(json), format: "schwab-py" };
      }
      return { tokens: decodeCredentials(json, this.#lifetimeFor("tdauth")), extra: unknownKeys(json), format: "tdauth" };
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      throw new StoreError(`The credentials file ${path} is not a valid credentials file (${err.message}): ${FIX}.`);
    }
  }

  /** The refresh-token lifetime to assume for a file of `format` (see {@link FileStoreOptions.refreshTokenLifetimeMs}). */
  #lifetimeFor(format: CredentialsFormat): number {
    return this.#lifetime ?? (format === "schwab-py" ? SCHWAB_PY_REFRESH_LIFETIME_MS : DEFAULT_REFRESH_LIFETIME_MS);
  }
}

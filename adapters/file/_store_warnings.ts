// What a credentials store says about its files: an I/O failure as a StoreError naming the path
// and the fix, and each warning about a file or folder others may read or write, once per store.
import { stat } from "node:fs/promises";
import { StoreError } from "../../core/errors.ts";
import { octal, tighten, tightenFileMode } from "./_fs.ts";

/**
 * A failed read, write, delete or folder creation of the credentials file, as a StoreError that
 * names the path, the error code and what to check.
 * @example
 * ```ts
 * throw ioError("write", "/home/me/.td_python_api/td_state.json", err);
 * ```
 */
export function ioError(what: string, path: string, err: unknown): StoreError {
  const code = (err as { code?: string }).code ?? "error";
  const hint = code === "EACCES" || code === "EPERM"
    ? `check that this user owns it and may ${what === "read" ? "read" : "write"} it`
    : code === "EISDIR"
    ? "the path is a folder; pass a file path"
    : "check the path and the disk";
  return new StoreError(`Cannot ${what} the credentials file ${path} (${code}): ${hint}.`, { cause: err });
}

/**
 * A store's warnings, each said once: files and folders others may read or write, tightened where
 * the store may change them.
 * @example
 * ```ts
 * const warnings = new StoreWarnings(console.warn, true);
 * warnings.fixFile("/home/me/.td_python_api/td_state.json");
 * ```
 */
export class StoreWarnings {
  readonly #warn: (message: string) => void;
  readonly #fixFolder: boolean;
  readonly #warned = new Set<string>();

  /** `fixFolder`: the folder is tdauth's own, so a loose mode is changed rather than only reported. */
  constructor(warn: (message: string) => void, fixFolder: boolean) {
    this.#warn = warn;
    this.#fixFolder = fixFolder;
  }

  /** Says `message` unless a warning under `key` was said before. */
  once(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#warn(message);
  }

  /** Tightens a credentials file others may read to 0600, and says so. */
  fixFile(path: string): void {
    const warning = tightenFileMode(path);
    if (warning !== undefined) this.once(`file:${path}`, warning);
  }

  /** The old file is replaced by a new 0600 one; says so when it used to be readable by others. */
  async looseFile(path: string): Promise<void> {
    try {
      const mode = (await stat(path)).mode & 0o777;
      if ((mode & 0o077) !== 0) {
        this.once(`file:${path}`, `tdauth: ${path} was accessible by other users (mode ${octal(mode)}); it is rewritten with mode 0600`);
      }
    } catch {
      // Gone meanwhile: nothing to report.
    }
  }

  /** A folder (of mode `mode`) others may use: changed to 0700 when it is tdauth's own, else reported. */
  async folder(dir: string, mode: number): Promise<void> {
    if ((mode & 0o077) === 0) return;
    if (this.#fixFolder) {
      const fixed = await tighten(dir, 0o700);
      this.once(
        `dir:${dir}`,
        fixed
          ? `tdauth: the credentials folder ${dir} was accessible by other users (mode ${octal(mode)}); changed it to 0700`
          : `tdauth: the credentials folder ${dir} is accessible by other users (mode ${
            octal(mode)
          }) and could not be changed: run chmod 700 "${dir}"`,
      );
    } else if ((mode & 0o022) !== 0) {
      // Others cannot read a 0600 file, but with write access to the folder they can replace it.
      this.once(
        `dir:${dir}`,
        `tdauth: other users can write to the folder ${dir} (mode ${
          octal(mode)
        }) and could replace the credentials file: run chmod go-w "${dir}" or keep the file in its own folder`,
      );
    }
  }
}

// The options of FileStore and the layouts of a credentials file.

/**
 * The layouts a credentials file can have: `"tdauth"`, the Python `td` library's keys plus
 * tdauth's own (`access_token`, `refresh_token`, `access_token_expires_at`, …), or
 * `"schwab-py"`, schwab-py's token file (`{"creation_timestamp": …, "token": {…}}`).
 *
 * @example
 * ```ts
 * const format: CredentialsFormat = "schwab-py";
 * ```
 */
export type CredentialsFormat = "tdauth" | "schwab-py";

/** Every layout, for checking `options.format`. */
export const FORMATS: readonly CredentialsFormat[] = ["tdauth", "schwab-py"];

/** Options of `FileStore`. */
export interface FileStoreOptions {
  /**
   * Encrypt the file at rest (compact JWE, dir + A256GCM). 32 bytes, or a string of 64 hex
   * digits or base64/base64url. Default: the `TDAUTH_KEY` environment variable when set.
   * An encrypted file cannot be read by the Python library, nor by schwab-py: a schwab-py file is
   * always written plain (with `key` that is a TypeError; with `TDAUTH_KEY` a warning).
   */
  key?: Uint8Array | string;
  /**
   * The layout `save` writes. Default: the layout of the file being replaced (both are recognised
   * on load), else of the last file this store loaded, else `"tdauth"`. `"schwab-py"` writes
   * schwab-py's token file, so a schwab-py program and tdauth share one file and one login;
   * its `creation_timestamp` is the login time and no refresh moves it.
   */
  format?: CredentialsFormat;
  /**
   * Refresh-token lifetime written when the tokens carry no `refreshExpiresAt` (the Python
   * library needs one), and used to guess the login time of a Python-written file. Default 90
   * days; for a schwab-py file, which never says, Schwab's 7 days from `creation_timestamp`.
   */
  refreshTokenLifetimeMs?: number;
  /**
   * Let `save` replace a file that cannot be read (corrupt, wrong types, wrong key). Default
   * false: such a file may be the only copy of a working session, so `save` throws `StoreError`
   * and leaves it alone until the user moves or deletes it (or calls `clear()`).
   */
  overwriteCorrupt?: boolean;
  /**
   * Tighten the folder to 0700 when it is looser. Default: true for the default folder
   * (`~/.td_python_api` or `TDAUTH_HOME`) and any folder named `.td_python_api`; false for other
   * folders (e.g. a project folder), which only get a warning when others can write to them.
   */
  fixFolderMode?: boolean;
  /**
   * Called with a one-line message when a mode was fixed, a file is unexpectedly plain, or (from
   * `FileStore.defaultLock()`) no lock file can be made. Default `console.warn`.
   */
  onWarning?: (message: string) => void;
}

// The credentials file as the CLI opens it: key problems become usage errors that name
// TDAUTH_KEY (never "delete the file"), and each save remembers the base URL the provider was
// pointed at, so a later command in another shell finds the same server without being told.

import { readFile } from "node:fs/promises";
import { looksEncrypted } from "../adapters/file/_crypto.ts";
import { type CredentialsFormat, FileStore } from "../adapters/file/store.ts";
import { StoreError } from "../core/errors.ts";
import type { Lock, StoredTokens, TokenStore } from "../core/types.ts";
import { CLIError, EXIT, usageError } from "./_errors.ts";

const NEW_KEY = "a new key: `openssl rand -base64 32`";

/**
 * The CLI's token store: a FileStore whose saves carry `baseURL`, and whose key problems are
 * usage errors.
 *
 * @example
 * ```ts
 * const store = openCredentials("/home/me/.td_python_api/td_state.json", console.warn);
 * store.rememberBaseURL("http://127.0.0.1:8777");
 * ```
 */
export class CredentialsStore implements TokenStore {
  readonly #file: FileStore;
  #baseURL: string | undefined;

  constructor(file: FileStore) {
    this.#file = file;
  }

  /** The credentials file (AuthSession's storePath). */
  get path(): string {
    return this.#file.path;
  }

  /** The file's real path, which sessions on the same file share their lock by. */
  get lockKey(): string {
    return this.#file.lockKey;
  }

  /** The file's own lock: a FileLock beside its real path, loaded on first use. */
  defaultLock(): Lock {
    return this.#file.defaultLock();
  }

  /** Stamps `url` on every save from now on; undefined for a provider at its own servers. */
  rememberBaseURL(url: string | undefined): void {
    this.#baseURL = url;
  }

  async load(): Promise<StoredTokens | null> {
    try {
      return await this.#file.load();
    } catch (error) {
      throw (await this.#keyProblem(error)) ?? error;
    }
  }

  async save(tokens: StoredTokens): Promise<void> {
    const { baseURL: _, ...rest } = tokens;
    await this.#file.save(this.#baseURL === undefined ? rest : { ...rest, baseURL: this.#baseURL });
  }

  clear(): Promise<void> {
    return this.#file.clear();
  }

  /** A read that failed because of the key: the file is encrypted and no key, or another key, is set. */
  async #keyProblem(error: unknown): Promise<CLIError | undefined> {
    if (!(error instanceof StoreError)) return undefined;
    const text = await readFile(this.path, "utf8").catch(() => "");
    if (!looksEncrypted(text)) return undefined;
    if (!this.#file.encrypted) {
      return new CLIError(`the credentials file ${this.path} is encrypted, and TDAUTH_KEY is not set`, {
        exitCode: EXIT.USAGE,
        hint: "set TDAUTH_KEY to the key the file was written with (the file is kept as it is)",
        cause: error,
      });
    }
    return new CLIError(`TDAUTH_KEY does not decrypt the credentials file ${this.path}`, {
      exitCode: EXIT.USAGE,
      hint: "set TDAUTH_KEY to the key the file was written with (the file is kept as it is)",
      cause: error,
    });
  }
}

/**
 * Opens the credentials file, written in `format` (default: the layout it already has). A
 * malformed `TDAUTH_KEY` is a usage error (exit 2) with a hint.
 * @example
 * ```ts
 * const store = openCredentials(settings.credentialsPath, (line) => io.err(line));
 * ```
 */
export function openCredentials(path: string, onWarning: (message: string) => void, format?: CredentialsFormat): CredentialsStore {
  try {
    return new CredentialsStore(new FileStore(path, format === undefined ? { onWarning } : { onWarning, format }));
  } catch (error) {
    if (error instanceof TypeError && /TDAUTH_KEY/.test(error.message)) {
      throw usageError(
        "TDAUTH_KEY is not a key: it must be 32 bytes, written as 64 hex digits or in base64",
        `${NEW_KEY}; a file written with a key needs that same key`,
      );
    }
    throw error;
  }
}

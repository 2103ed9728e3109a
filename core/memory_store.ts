// The default TokenStore: one process, nothing persisted. Copies on the way in and out so a
// caller mutating a record cannot change what is stored.

import type { StoredTokens, TokenStore } from "./types.ts";

const copy: (tokens: StoredTokens) => StoredTokens = structuredClone;

/**
 * Keeps tokens in memory. The default store of `AuthSession`.
 *
 * @example
 * ```ts
 * const session = new AuthSession({ provider, store: new MemoryStore() });
 * ```
 */
export class MemoryStore implements TokenStore {
  #tokens: StoredTokens | null;

  /** Starts with a copy of `initial`, or empty. */
  constructor(initial: StoredTokens | null = null) {
    this.#tokens = initial ? copy(initial) : null;
  }

  /** A copy of the stored record, or null. */
  load(): Promise<StoredTokens | null> {
    return Promise.resolve(this.#tokens ? copy(this.#tokens) : null);
  }

  /** Keeps a copy of `tokens`, replacing the record. */
  save(tokens: StoredTokens): Promise<void> {
    this.#tokens = copy(tokens);
    return Promise.resolve();
  }

  /** Forgets the record. */
  clear(): Promise<void> {
    this.#tokens = null;
    return Promise.resolve();
  }
}

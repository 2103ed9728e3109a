// Reading a file that another program may be writing in place. tdauth replaces its file
// atomically, but schwab-py and the Python `td` library truncate it and then write it
// (open(path, "w") + json.dump): a read in between sees an empty or cut-off file. Such a read is
// tried again after a short wait, and only a file that stays unreadable is an error.
import type { StoreError } from "../../core/errors.ts";
import { sleep } from "../../core/_sleep.ts";

/** Waits between reads of a file that looked half-written: about 0.6 s in all, far longer than any json.dump of a token. */
export const REREAD_DELAYS_MS: readonly number[] = [5, 10, 20, 40, 80, 160, 320];

/**
 * What a read that looked half-written (empty, or JSON cut off) returns instead of its result,
 * with the error to throw should the file stay that way.
 *
 * @example
 * ```ts
 * if (text.trim() === "") return new PartlyWritten(new StoreError(`${path} is empty`));
 * ```
 */
export class PartlyWritten {
  /** The error the read ends with when the file stays unreadable. */
  readonly error: StoreError;
  constructor(error: StoreError) {
    this.error = error;
  }
}

/**
 * Runs `read` until it returns something other than {@link PartlyWritten}, waiting `delays` in
 * turn between tries; when they are used up, returns the last try's `PartlyWritten`.
 *
 * @example
 * ```ts
 * const json = await settledRead(() => readAndParse(path));
 * if (json instanceof PartlyWritten) throw json.error;
 * ```
 */
export async function settledRead<T>(
  read: () => Promise<T | PartlyWritten>,
  wait: (ms: number) => Promise<void> = sleep,
  delays: readonly number[] = REREAD_DELAYS_MS,
): Promise<T | PartlyWritten> {
  for (let attempt = 0;; attempt++) {
    const result = await read();
    if (!(result instanceof PartlyWritten) || attempt >= delays.length) return result;
    await wait(delays[attempt]!);
  }
}

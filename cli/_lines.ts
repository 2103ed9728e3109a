// Reads standard input line by line across several prompts. One readline interface for the
// whole login: a fresh one per prompt would drop lines already buffered from a pipe.

import { createInterface, type Interface } from "node:readline";

/**
 * Lines from a stream; `next()` resolves null once the stream has ended.
 * @example
 * ```ts
 * const lines = new LineReader(process.stdin);
 * const first = await lines.next();
 * lines.close();
 * ```
 */
export class LineReader {
  #rl: Interface;
  #queue: string[] = [];
  #waiting: ((line: string | null) => void) | undefined;
  #ended = false;

  constructor(input: NodeJS.ReadableStream) {
    this.#rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
    this.#rl.on("line", (line) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (waiting) waiting(line);
      else this.#queue.push(line);
    });
    this.#rl.on("close", () => {
      this.#ended = true;
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.(null);
    });
  }

  /** The next line without its newline, or null at the end of input. */
  next(): Promise<string | null> {
    const line = this.#queue.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  /** Stops reading, so a terminal's stdin no longer keeps the process alive. */
  close(): void {
    this.#rl.close();
    const input = (this.#rl as unknown as { input?: { pause?: () => void; unref?: () => void } }).input;
    input?.pause?.();
  }
}

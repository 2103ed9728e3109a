// Where the CLI writes and how it looks: results on stdout, prompts/progress/errors on stderr,
// colour only on a terminal without NO_COLOR, and expiry times in local + relative form.

import { writeSync } from "node:fs";
import { localTime } from "../adapters/_shared/relogin_notice.ts";
import { printable } from "../adapters/_shared/text.ts";

/**
 * A place to write lines, with what it can display.
 * @example
 * ```ts
 * const stream: Stream = { isTTY: false, write: (text) => chunks.push(text) };
 * ```
 */
export interface Stream {
  /** Writes text as given (lines end in "\n"). */
  write(text: string): unknown;
  /** True when the stream is a terminal: only then does stderr get the spinner and colour. */
  isTTY?: boolean;
}

/**
 * How a command talks to the user. Tests and embedders may pass their own streams.
 * @example
 * ```ts
 * const io = terminal();
 * io.out(io.bold("Logged in"));
 * ```
 */
export interface IO {
  /** Where results go (what `$(tdauth token)` captures). */
  stdout: Stream;
  /** Where prompts, progress and errors go. */
  stderr: Stream;
  /** The environment the command reads its `TDAUTH_*` settings from. */
  env: Record<string, string | undefined>;
  /** Writes a line to stdout. */
  out(line: string): void;
  /** Writes a line to stderr. */
  err(line: string): void;
  /** Whether stderr is a terminal that may show colour (no NO_COLOR, TERM not dumb). */
  color: boolean;
  /** `text` in bold when `color`, else unchanged. */
  bold(text: string): string;
  /** `text` dimmed when `color`, else unchanged. */
  dim(text: string): string;
  /** `text` in green when `color`, else unchanged. */
  green(text: string): string;
  /** `text` in yellow when `color`, else unchanged. */
  yellow(text: string): string;
  /** `text` in red when `color`, else unchanged. */
  red(text: string): string;
}

/** Whether a write failed because the reader is gone (`tdauth status | head -1`). */
function readerGone(error: unknown): boolean {
  return (error as { code?: unknown })?.code === "EPIPE" || (error as { name?: unknown })?.name === "BrokenPipe";
}

/**
 * Fd 1 or 2, written with writeSync: touching process.stdout would build a stream (and, on a
 * pipe as in `$(tdauth token)`, load node:net), a start-up cost `token` cannot afford. Once the
 * reader has gone, writes are dropped: the rest of the output has nobody to read it, and a
 * reader that stops early (head, grep -q) is not an error of the command.
 */
class FdStream implements Stream {
  #fd: 1 | 2;
  #fallback: NodeJS.WriteStream | undefined;
  #closed = false;
  constructor(fd: 1 | 2) {
    this.#fd = fd;
  }
  get isTTY(): boolean {
    return (this.#fd === 1 ? process.stdout : process.stderr).isTTY === true;
  }
  write(text: string): boolean {
    if (this.#closed) return false;
    if (this.#fallback) return this.#fallback.write(text);
    let bytes = new TextEncoder().encode(text);
    while (bytes.length > 0) {
      try {
        bytes = bytes.subarray(writeSync(this.#fd, bytes));
      } catch (error) {
        if (readerGone(error)) {
          this.#closed = true;
          return false;
        }
        // A non-blocking pipe that is full: let the stream queue the rest (runMain drains it).
        if ((error as { code?: string }).code !== "EAGAIN") throw error;
        const stream = this.#fd === 1 ? process.stdout : process.stderr;
        stream.on("error", (streamError) => {
          if (!readerGone(streamError)) throw streamError;
          this.#closed = true;
        });
        this.#fallback = stream;
        usedStreams = true;
        return this.#fallback.write(bytes);
      }
    }
    return true;
  }
}

let usedStreams = false;

/**
 * Whether output went through process.stdout/stderr streams that may still hold data.
 * @example
 * ```ts
 * if (outputQueued()) await new Promise((r) => process.stdout.write("", r));
 * ```
 */
export function outputQueued(): boolean {
  return usedStreams;
}

/** The escape sequences `paint` writes: bold, dim, their reset, red, green, yellow, colour reset. */
// deno-lint-ignore no-control-regex
const OWN_COLOURS = /\x1b\[(?:1|2|22|31|32|33|39)m/g;

/**
 * The process's own streams and environment.
 * @example
 * ```ts
 * const io = terminal();
 * ```
 */
export function terminal(
  stdout: Stream = new FdStream(1),
  stderr: Stream = new FdStream(2),
  env: Record<string, string | undefined> = process.env,
): IO {
  let color: boolean | undefined;
  // https://no-color.org: any non-empty NO_COLOR turns colour off. Decided on first use only; an
  // environment Deno will not let us read (no --allow-env) means no colour, so that an error
  // about that very permission can still be printed.
  const useColor = (): boolean => {
    if (color === undefined) {
      try {
        color = stderr.isTTY === true && !(env.NO_COLOR ?? "") && env.TERM !== "dumb";
      } catch {
        color = false;
      }
    }
    return color;
  };
  const paint = (code: number, reset: number) => (text: string) => useColor() ? `\x1b[${code}m${text}\x1b[${reset}m` : text;
  // Lines may carry a provider's text (an error_description) or a lock file's: no escape sequence
  // or control character of theirs reaches the terminal; only the colours painted here do.
  const safe = (line: string): string => printable(line, useColor() ? { multiline: true, keep: OWN_COLOURS } : { multiline: true });
  return {
    stdout,
    stderr,
    env,
    out: (line) => void stdout.write(`${safe(line)}\n`),
    err: (line) => void stderr.write(`${safe(line)}\n`),
    get color() {
      return useColor();
    },
    bold: paint(1, 22),
    dim: paint(2, 22),
    green: paint(32, 39),
    yellow: paint(33, 39),
    red: paint(31, 39),
  };
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];

/**
 * "in 6 days", "29 minutes ago", "now". Hours up to 48 before switching to days, so the
 * 48-hour warning reads in hours.
 * @example
 * ```ts
 * relativeTime(Date.now() + 6 * 86_400_000); // "in 6 days"
 * ```
 */
export function relativeTime(at: number, now: number = Date.now()): string {
  const diff = at - now;
  const abs = Math.abs(diff);
  if (abs < 1000) return "now";
  const format = new Intl.RelativeTimeFormat("en", { numeric: "always" });
  for (const [unit, size] of UNITS) {
    if (unit === "day" && abs < 2 * 86_400_000) continue;
    if (abs >= size) return format.format(Math.trunc(diff / size), unit);
  }
  return format.format(Math.trunc(diff / 1000), "second");
}

/** Local wall-clock time with the zone, e.g. "2026-12-05 18:00 UTC" (one home with the re-login notice's). */
export { localTime };

/**
 * "2026-12-05 18:00 UTC (in 6 days)", or "unknown".
 * @example
 * ```ts
 * when(status.refreshExpiresAt);
 * ```
 */
export function when(at: number | undefined, now: number = Date.now()): string {
  return at === undefined ? "unknown" : `${localTime(at)} (${relativeTime(at, now)})`;
}

/**
 * An epoch-ms time as ISO 8601 UTC for `--json`, or null.
 * @example
 * ```ts
 * iso(1_800_000_000_000); // "2027-01-15T08:00:00.000Z"
 * ```
 */
export function iso(at: number | undefined): string | null {
  return at === undefined ? null : new Date(at).toISOString();
}

/**
 * Writes a value as one line of JSON on stdout (stable keys, documented in `tdauth help`).
 * @example
 * ```ts
 * printJSON(io, { state: "authenticated" });
 * ```
 */
export function printJSON(io: IO, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

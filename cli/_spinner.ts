// A one-line spinner with the time left, drawn only on a terminal. It redraws with a carriage
// return and spaces (no escape codes); elsewhere it prints its text once and stays quiet.

import type { IO } from "./_output.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const ASCII = ["|", "/", "-", "\\"];

/**
 * A running spinner.
 * @example
 * ```ts
 * const spinner: Spinner = startSpinner(io, "Waiting…", deadline);
 * spinner.stop();
 * ```
 */
export interface Spinner {
  /** Clears the line, writes `line` on stderr, and carries on below it. */
  log(line: string): void;
  /** Clears the line and stops. */
  stop(): void;
}

/**
 * "⠹ Waiting for the browser… 4:58 left", until `deadline`.
 * @example
 * ```ts
 * const spinner = startSpinner(io, "Waiting for the browser…", Date.now() + 300_000);
 * try { await work; } finally { spinner.stop(); }
 * ```
 */
export function startSpinner(io: IO, text: string, deadline: number, now: () => number = Date.now): Spinner {
  const left = (): string => {
    const s = Math.max(0, Math.ceil((deadline - now()) / 1000));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")} left`;
  };
  if (io.stderr.isTTY !== true) {
    io.err(`${text} (${left()})`);
    return { log: (line) => io.err(line), stop: () => {} };
  }
  const frames = io.env.TERM === "linux" || (io.env.LANG ?? "").length > 0 && !/utf-?8/i.test(io.env.LANG ?? "") ? ASCII : FRAMES;
  let i = 0;
  let width = 0;
  const draw = (): void => {
    const line = `${io.color ? io.bold(frames[i++ % frames.length]!) : frames[i++ % frames.length]} ${text} ${left()}`;
    // The colour escape codes take no room on the line; ESC is the point of this pattern.
    // deno-lint-ignore no-control-regex
    const visible = line.replace(/\x1b\[[0-9;]*m/g, "").length;
    io.stderr.write(`\r${line}${" ".repeat(Math.max(0, width - visible))}`);
    width = visible;
  };
  const clear = (): void => {
    io.stderr.write(`\r${" ".repeat(width)}\r`);
    width = 0;
  };
  draw();
  const timer = setInterval(draw, 100);
  return {
    log(line) {
      clear();
      io.err(line);
      draw();
    },
    stop() {
      clearInterval(timer);
      clear();
    },
  };
}

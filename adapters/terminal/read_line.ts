// Reads one line from the terminal (or a pipe) for the Python library's paste-the-redirect-URL flow.
// node:readline works on Node, Deno and Bun alike.

import { createInterface } from "node:readline";

/**
 * Prints `prompt` and resolves with the next line of standard input (without the newline).
 * Rejects when the input ends first, so a script fed no input fails instead of hanging.
 *
 * @example
 * ```ts
 * const url = await readLine("Paste the full URL redirect here: ");
 * ```
 */
export function readLine(
  prompt: string,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  // A pipe or TTY on stdin keeps the process alive after the read; hold it only while reading.
  const handle = input as { ref?: () => void; unref?: () => void };
  handle.ref?.();
  return new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input, output, terminal: false });
    let done = false;
    output.write(prompt);
    rl.once("line", (line) => {
      done = true;
      rl.close();
      resolve(line);
    });
    rl.once("close", () => {
      if (!done) reject(new Error("Standard input ended before a line was read: paste the redirect URL, or pipe it in."));
    });
  }).finally(() => handle.unref?.());
}

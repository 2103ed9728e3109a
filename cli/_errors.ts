// Exit codes and the error type commands throw to end with a chosen code, a line and a hint.

/**
 * The documented exit codes of `tdauth`.
 * @example
 * ```ts
 * process.exitCode = EXIT.LOGIN_NEEDED;
 * ```
 */
export const EXIT: { readonly OK: 0; readonly ERROR: 1; readonly USAGE: 2; readonly LOGIN_NEEDED: 3 } = Object.freeze({
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  LOGIN_NEEDED: 3,
});

/**
 * An error that ends the command: one line of message, an optional hint, and an exit code.
 * @example
 * ```ts
 * throw new CLIError("unknown option --frob", { exitCode: EXIT.USAGE, hint: "run `tdauth login --help`" });
 * ```
 */
export class CLIError extends Error {
  /** The code the process exits with (see {@link EXIT}); default 1. */
  readonly exitCode: number;
  /** What to do about it, printed on a line of its own. */
  readonly hint?: string;
  /** Makes the error; `options.exitCode` defaults to `EXIT.ERROR` (1). */
  constructor(message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CLIError";
    this.exitCode = options.exitCode ?? EXIT.ERROR;
    if (options.hint !== undefined) this.hint = options.hint;
  }
}

/**
 * A usage error (exit 2): a bad flag, a bad option value, a missing setting.
 * @example
 * ```ts
 * throw usageError("--port must be a number", "tdauth emulator --help");
 * ```
 */
export function usageError(message: string, hint?: string): CLIError {
  return new CLIError(message, hint === undefined ? { exitCode: EXIT.USAGE } : { exitCode: EXIT.USAGE, hint });
}

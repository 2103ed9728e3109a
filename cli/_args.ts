// Flag parsing on node:util parseArgs, with its long messages turned into one line and a hint.

import { parseArgs } from "node:util";
import { usageError } from "./_errors.ts";

/**
 * One option, as node:util parseArgs takes it.
 * @example
 * ```ts
 * const port: OptionSpec = { type: "string" };
 * ```
 */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  default?: string | boolean;
  /** The flag may repeat; its value is then an array. */
  multiple?: boolean;
}

/**
 * Options every command that opens the session accepts.
 * @example
 * ```ts
 * parseFlags("token", args, { ...SESSION_OPTIONS, json: { type: "boolean" } });
 * ```
 */
export const SESSION_OPTIONS: Record<string, OptionSpec> = {
  profile: { type: "string" },
  provider: { type: "string" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
  "redirect-uri": { type: "string" },
  credentials: { type: "string" },
  "emulator-url": { type: "string" },
};

/**
 * The help text of the options in {@link SESSION_OPTIONS}.
 * @example
 * ```ts
 * const help = `Usage: tdauth token\n\n${SESSION_OPTIONS_HELP}`;
 * ```
 */
export const SESSION_OPTIONS_HELP = `Session options (flag, else environment, else tdauth.json in TDAUTH_HOME or the profile's folder):
  --profile NAME                  TDAUTH_PROFILE        a separate session: its own tdauth.json and td_state.json
                                                        in $TDAUTH_HOME/profiles/NAME (letters, digits, . _ -)
  --provider td|schwab|emulator   TDAUTH_PROVIDER       default: what the credentials file says, else schwab
  --client-id ID                  TDAUTH_CLIENT_ID      app key / consumer key
  --client-secret SECRET          TDAUTH_CLIENT_SECRET  Schwab app secret (prefer the variable: flags show in ps)
  --redirect-uri URI              TDAUTH_REDIRECT_URI   exactly as registered; default https://127.0.0.1:8182 for schwab/emulator
  --credentials PATH              TDAUTH_CREDENTIALS    default td_state.json in the profile's folder, else $TDAUTH_HOME/td_state.json,
                                                        else ~/.td_python_api/td_state.json
  --emulator-url URL              TDAUTH_EMULATOR_URL   default: the credentials file's, else http://127.0.0.1:8777
  TDAUTH_KEY                      encrypt the credentials file (32 bytes: 64 hex digits or base64)`;

/**
 * Parses `args` strictly. Unknown flags, missing values and stray words become one-line usage
 * errors (exit 2) that point at the command's help.
 *
 * @example
 * ```ts
 * const { values } = parseFlags("status", ["--json"], { json: { type: "boolean" } });
 * ```
 */
export function parseFlags(
  command: string,
  args: string[],
  options: Record<string, OptionSpec>,
): { values: Record<string, string | boolean | string[] | undefined> } {
  const hint = `run \`tdauth ${command} --help\` for its options`;
  try {
    const { values } = parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    return { values: values as Record<string, string | boolean | string[] | undefined> };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    const flag = /'(-[^']*)'/.exec(message)?.[1] ?? /"(-[^"]*)"/.exec(message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw usageError(`tdauth ${command}: unknown option ${flag ?? message}`, hint);
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      const word = /'([^']*)'/.exec(message)?.[1];
      throw usageError(`tdauth ${command}: unexpected argument ${word ? `"${word}"` : ""}`.trimEnd(), hint);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const name = /--[a-z-]+/.exec(message)?.[0] ?? flag ?? "an option";
      const wantsValue = /argument missing|<value>/.test(message);
      throw usageError(`tdauth ${command}: ${name} ${wantsValue ? "needs a value" : "does not take a value"}`, hint);
    }
    throw usageError(`tdauth ${command}: ${message.split("\n")[0]}`, hint);
  }
}

/**
 * One of a fixed set of words, or a usage error naming the flag and the choices.
 * @example
 * ```ts
 * const flow = oneOf("--flow", values.flow, ["browser", "manual"]);
 * ```
 */
export function oneOf<T extends string>(name: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw usageError(`${name} must be ${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}, not "${value}"`);
}

/**
 * A whole number within bounds, or a usage error naming the flag.
 * @example
 * ```ts
 * const port = integer("--port", values.port, 0, 65535);
 * ```
 */
export function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw usageError(`${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return n;
}

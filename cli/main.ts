/**
 * The `tdauth` command line: `tdauth <command> [options]`. Runs on Node (the built cli/bin.ts),
 * Deno (`deno run -A cli/main.ts`) and Bun (`bun cli/main.ts`). Commands load lazily.
 *
 * @example
 * ```ts
 * import { main } from "tdauth/cli";
 * const code = await main(["status", "--json"]);
 * ```
 * @module
 */

import { COMMANDS } from "./_commands.ts";
import { CLIError, EXIT, usageError } from "./_errors.ts";
import { type IO, outputQueued, terminal } from "./_output.ts";
import { report } from "./_report.ts";
import { VERSION } from "./_version.ts";

export { EXIT } from "./_errors.ts";
// What main() writes through: an embedder passes its own.
export type { IO, Stream } from "./_output.ts";

/**
 * Runs one command line (without the program name) and resolves with its exit code; never
 * throws and never exits the process.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2));
 * ```
 */
export async function main(argv: string[], io: IO = terminal()): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === "--version" || first === "-v" || first === "version") {
      io.out(`tdauth ${VERSION}`);
      return EXIT.OK;
    }
    if (first === undefined || first === "--help" || first === "-h") return await (await COMMANDS.help!.load()).run([], io);
    if (first.startsWith("-")) throw usageError(`unknown option ${first} (a command comes first)`, "run `tdauth help` for the commands");
    const entry = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (!entry) {
      const close = Object.keys(COMMANDS).find((name) => name.startsWith(first.slice(0, 3)));
      throw usageError(`unknown command "${first}"${close ? ` (did you mean "${close}"?)` : ""}`, "run `tdauth help` for the commands");
    }
    const command = await entry.load();
    const end = rest.indexOf("--");
    const flags = end < 0 ? rest : rest.slice(0, end);
    if (flags.includes("--help") || flags.includes("-h")) {
      io.out(command.help);
      return EXIT.OK;
    }
    return await command.run(rest, io);
  } catch (error) {
    return report(io, error);
  }
}

let started: Promise<never> | undefined;

/**
 * Runs `main` on this process's arguments and exits with its code once stdout has drained.
 * The published binary (cli/bin.ts) and bin/tdauth.mjs call this; Deno and Bun run it through
 * `import.meta.main`. Only the first call runs: bundled into an ESM binary, this file's
 * `import.meta.main` would be the binary's own, and both the check below and cli/bin.ts call it.
 *
 * @example
 * ```ts
 * await runMain();
 * ```
 */
export function runMain(argv: string[] = process.argv.slice(2)): Promise<never> {
  started ??= (async () => {
    const code = await main(argv);
    if (outputQueued()) {
      await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
      await new Promise<void>((resolve) => process.stderr.write("", () => resolve()));
    }
    process.exit(code);
  })();
  return started;
}

// No top-level await: a CommonJS build of this file must stay possible. runMain exits the process.
if ((import.meta as { main?: boolean }).main) void runMain();

export { CLIError };

/**
 * The published `tdauth` binary, built by tsup.config.ts into dist/bin/tdauth.cjs (package.json
 * "bin", with a `#!/usr/bin/env node` line). The `token` path is imported statically so that the
 * bundler puts all of it into that one file: `$(tdauth token)` then loads a single module. Every
 * other command, and what it needs (Hono, the emulator, jose, the browser login), stays behind
 * the dynamic imports of cli/_commands.ts and loads from chunks beside it.
 *
 * @example
 * ```sh
 * node dist/bin/tdauth.cjs token
 * ```
 * @module
 */

import "./commands/token.ts";
import "../adapters/file/store.ts";
import { runMain } from "./main.ts";

void runMain();

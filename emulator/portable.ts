/**
 * "tdauth/emulator" where no server can be started (Workers, browsers: package.json's `workerd`,
 * `worker` and `browser` conditions): everything of `emulator/mod.ts` but `startEmulator`, so a
 * bundle for those runtimes never meets the Node server. `createEmulator().fetch` is the emulator.
 *
 * @example
 * ```ts
 * import { createEmulator } from "tdauth/emulator"; // in a Worker
 * const emulator = createEmulator({ autoApprove: true });
 * export default { fetch: (request: Request) => emulator.fetch(request) };
 * ```
 * @module
 */

export { DEFAULT_SCHWAB_APP, DEFAULT_TD_APP } from "./apps.ts";
export { createEmulator } from "./create_emulator.ts";
export type {
  Emulator,
  EmulatorApp,
  EmulatorConfig,
  EmulatorConfigPatch,
  EmulatorFault,
  EmulatorFaultKind,
  EmulatorOptions,
  EmulatorProduct,
  EmulatorStats,
  RunningEmulator,
  StartEmulatorOptions,
} from "./types.ts";

/**
 * A local, strict stand-in for the TD Ameritrade and Charles Schwab OAuth and market-data servers,
 * for tests, demos and offline development. It shares no code with the tdauth client (`core/`), so
 * each side checks the other against PROTOCOL.md.
 *
 * @example
 * import { startEmulator } from "tdauth/emulator";
 * const running = await startEmulator({ autoApprove: true });
 * // point a provider's baseURL at running.url, log in, call the API...
 * await running.close();
 *
 * @module
 */

export { DEFAULT_SCHWAB_APP, DEFAULT_TD_APP } from "./apps.ts";
export { createEmulator } from "./create_emulator.ts";
export { startEmulator } from "./serve.ts";
export type {
  Emulator,
  EmulatorApp,
  EmulatorConfig,
  EmulatorConfigPatch,
  EmulatorFault,
  EmulatorOptions,
  EmulatorStats,
  RunningEmulator,
  StartEmulatorOptions,
} from "./types.ts";

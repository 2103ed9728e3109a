// The emulator of one test file, on 127.0.0.1, sharing an injected clock with the sessions under
// test: started before the file, reset (and the clock put back to now) after each test.
import { afterAll, afterEach, beforeAll } from "vitest";
import { type RunningEmulator, startEmulator, type StartEmulatorOptions } from "../../emulator/mod.ts";

/** The running emulator (set once the file's tests start) and the clock it shares. */
export interface ClockedEmulator {
  emu: RunningEmulator;
  clock: { now: number };
}

/**
 * Registers the hooks and returns the emulator's handle; `afterReset` runs after each reset.
 * @example
 * ```ts
 * const t = clockedEmulator({ rotateRefreshTokens: true });
 * it("...", async () => { t.clock.now += 60_000; t.emu.emulator.stats(); });
 * ```
 */
export function clockedEmulator(options: StartEmulatorOptions = {}, afterReset?: (emu: RunningEmulator) => void): ClockedEmulator {
  const handle = { clock: { now: Date.now() } } as ClockedEmulator;
  beforeAll(async () => {
    handle.emu = await startEmulator({ port: 0, autoApprove: true, now: () => handle.clock.now, ...options });
  });
  afterAll(async () => {
    await handle.emu.close();
  });
  afterEach(() => {
    handle.emu.emulator.reset();
    afterReset?.(handle.emu);
    handle.clock.now = Date.now();
  });
  return handle;
}

// The option checks every store and lock shares: one message shape, naming the option.
import { describe, expect, it } from "vitest";
import { durationMs, optionalFunction, timeoutMs } from "../../../adapters/_shared/options.ts";

describe("option checks", () => {
  it("durationMs takes a finite number above 0", () => {
    expect(durationMs(1.5, "options.staleMs")).toBe(1.5);
    for (const bad of [0, -1, Number.NaN, Infinity, "10", undefined]) {
      expect(() => durationMs(bad, "options.staleMs"), String(bad)).toThrow("options.staleMs must be a positive number of milliseconds");
    }
  });
  it("timeoutMs takes 0 (try once) up to Infinity (wait as long as it takes)", () => {
    for (const ok of [0, 5, Infinity]) expect(timeoutMs(ok, "x")).toBe(ok);
    for (const bad of [-1, Number.NaN, "5"]) {
      expect(() => timeoutMs(bad, "KvLock: timeoutMs")).toThrow("KvLock: timeoutMs must be a number of milliseconds ≥ 0");
    }
  });
  it("optionalFunction takes undefined or a function", () => {
    const f = (): void => {};
    expect(optionalFunction(f, "options.now")).toBe(f);
    expect(optionalFunction(undefined, "options.now")).toBeUndefined();
    expect(() => optionalFunction(42 as never, "options.now")).toThrow("options.now must be a function");
  });
});

// Checks of the options the stores and locks take, so that each refuses a bad value the same way:
// a TypeError that names the option (`what`, e.g. "options.staleMs" or "KvLock: ttlMs").

/**
 * A duration: a finite number of milliseconds above 0.
 * @example
 * ```ts
 * this.ttlMs = durationMs(options.ttlMs ?? 30_000, "KvLock: ttlMs");
 * ```
 */
export function durationMs(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${what} must be a positive number of milliseconds`);
  }
  return value;
}

/**
 * A timeout: milliseconds ≥ 0 (0 tries once; Infinity waits as long as it takes).
 * @example
 * ```ts
 * const timeoutMs = timeoutMs(options.timeoutMs ?? 60_000, "KvLock.acquire({ timeoutMs }): timeoutMs");
 * ```
 */
export function timeoutMs(value: unknown, what: string): number {
  if (typeof value !== "number" || !(value >= 0)) throw new TypeError(`${what} must be a number of milliseconds ≥ 0`);
  return value;
}

/**
 * A callback option: undefined, or a function.
 * @example
 * ```ts
 * const onWarning = optionalFunction(options.onWarning, "options.onWarning") ?? console.warn;
 * ```
 */
export function optionalFunction<T extends (...args: never[]) => unknown>(value: T | undefined, what: string): T | undefined {
  if (value !== undefined && typeof value !== "function") throw new TypeError(`${what} must be a function`);
  return value;
}

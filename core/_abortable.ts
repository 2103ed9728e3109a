// A wait that a caller's signal ends, while the work it waits for goes on for whoever else waits.

/**
 * What `start` resolves with, or the signal's reason as soon as it aborts (at once, without
 * starting, when it already has): the caller stops waiting, and the work goes on for whoever else
 * waits for it.
 * @example
 * ```ts
 * const tokens = await abortable(AbortSignal.timeout(5_000), () => sharedRefresh());
 * ```
 */
export function abortable<T>(signal: AbortSignal | undefined, start: () => Promise<T>): Promise<T> {
  if (!signal) return start();
  signal.throwIfAborted();
  let stop!: () => void;
  return Promise.race([
    start(),
    new Promise<never>((_, reject) => signal.addEventListener("abort", stop = () => reject(signal.reason))),
  ]).finally(() => signal.removeEventListener("abort", stop));
}

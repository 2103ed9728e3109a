// Waiting that an AbortSignal can cut short, for lock polls and backoffs.

/** The signal's reason, or an AbortError when it gave none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

/**
 * Resolves after `ms`, or rejects with the signal's reason as soon as it aborts (at once when it
 * already has).
 *
 * @example
 * ```ts
 * await sleep(250, AbortSignal.timeout(10_000));
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

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

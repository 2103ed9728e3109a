// Ctrl-C (SIGINT) and SIGTERM as an AbortSignal, for commands that serve until they are stopped.

/**
 * An AbortSignal that aborts with the name of the first SIGINT or SIGTERM this process gets,
 * which then no longer ends the process by itself: the command closes what it serves and
 * returns its exit code. `dispose()` gives the signals back to their default.
 *
 * @example
 * ```ts
 * const stop = stopSignals();
 * try { await serveUntil(stop.signal); } finally { stop.dispose(); }
 * ```
 */
export function stopSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: string): void => controller.abort(name);
  const names = ["SIGINT", "SIGTERM"] as const;
  for (const name of names) process.on(name, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of names) process.off(name, onSignal);
    },
  };
}

/**
 * Resolves when `signal` aborts.
 *
 * @example
 * ```ts
 * await aborted(stopSignals().signal);
 * ```
 */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

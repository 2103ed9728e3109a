// The listeners of a session's events: each is called in turn, and one that throws stops neither
// the others nor the token handling that emitted the event.

/**
 * A set of listeners that can be called with an event.
 * @example
 * ```ts
 * const listeners = new Listeners<string>();
 * listeners.add(console.log);
 * listeners.emit("hello");
 * ```
 */
export class Listeners<T> extends Set<(event: T) => void> {
  /** Calls every listener with `event`; a listener's bug must not break token handling. */
  emit(event: T): void {
    for (const listener of this) {
      try {
        listener(event);
      } catch {
        // Ignored: see above.
      }
    }
  }
}

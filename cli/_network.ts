// The CLI's fetch: a request that never reached the server fails with an error naming the URL it
// tried and why, so the report can point at the network (or at the emulator that is not running)
// instead of at the app's settings.

/**
 * A request that got no answer: refused, unresolvable host, reset, timed out.
 * @example
 * ```ts
 * throw new UnreachableError("http://127.0.0.1:8777/v1/oauth/token", "connection refused", cause);
 * ```
 */
export class UnreachableError extends Error {
  /** The URL tried, without its query (which may hold a login's state). */
  readonly url: string;
  /** Why, in a few words: "connection refused", "host not found". */
  readonly reason: string;
  constructor(url: string, reason: string, cause: unknown) {
    super(`could not reach ${url} (${reason})`, { cause });
    this.name = "UnreachableError";
    this.url = url;
    this.reason = reason;
  }
}

const REASONS: Array<[RegExp, string]> = [
  [/ECONNREFUSED|ConnectionRefused|connection refused/i, "connection refused"],
  [/ENOTFOUND|EAI_AGAIN|dns error|failed to lookup|name resolution/i, "host not found"],
  [/ECONNRESET|ConnectionReset|connection reset/i, "connection reset"],
  [/ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|timed out/i, "timed out"],
  [/CERT|certificate|self.signed|TLS|SSL/i, "TLS certificate not trusted"],
];

/** The chain of an error and its causes (bounded: causes can loop). */
export function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (
    let current = error;
    current !== undefined && current !== null && chain.length < 8;
    current = (current as { cause?: unknown }).cause
  ) {
    chain.push(current);
  }
  return chain;
}

function reasonOf(error: unknown): string {
  // Node puts the system code on the cause (fetch failed → ECONNREFUSED), Bun on the error itself,
  // Deno only in the message.
  const text = causes(error).map((e) => `${(e as { code?: unknown }).code ?? ""} ${e instanceof Error ? e.message : String(e)}`).join(" ");
  return REASONS.find(([pattern]) => pattern.test(text))?.[1] ?? "network error";
}

function urlOf(input: RequestInfo | URL): string {
  const url = new URL(input instanceof Request ? input.url : String(input));
  return `${url.origin}${url.pathname}`;
}

/**
 * `fetch`, with a failure to reach the server turned into an {@link UnreachableError}. Aborts
 * (timeouts the caller set) and a runtime's refusal (Deno without --allow-net) pass unchanged.
 *
 * @example
 * ```ts
 * const session = new AuthSession({ provider, store, fetch: fetchNamingURL });
 * ```
 */
export async function fetchNamingURL(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (error) {
    const name = (error as { name?: unknown })?.name;
    if (name === "AbortError" || name === "TimeoutError" || name === "NotCapable" || name === "PermissionDenied") throw error;
    throw new UnreachableError(urlOf(input), reasonOf(error), error);
  }
}

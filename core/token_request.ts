// Sends a token request with bounded, jittered retries for transient failures (network errors,
// timeouts, 5xx, 429); everything else is decided by classifyTokenReply. Every attempt is bounded
// in time and in the size of the reply it reads, and the whole request by the retry budget.

import type { Provider, TokenGrant } from "./provider.ts";
import { classifyTokenReply, type TokenOutcome } from "./token_response.ts";
import { tokenRequestFailure } from "./token_errors.ts";
import type { TokenResponse } from "./types.ts";

/**
 * How transient token-endpoint failures are retried.
 * @example
 * ```ts
 * const retry: RetryOptions = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, budgetMs: 5_000 };
 * ```
 */
export interface RetryOptions {
  /** Total tries, including the first; default 4. */
  attempts?: number;
  /** First backoff; doubles each try, with full jitter; default 250 ms. */
  baseDelayMs?: number;
  /** Cap of one backoff (also of a server's Retry-After); default 4 s. */
  maxDelayMs?: number;
  /**
   * The whole request, attempts and backoffs, ends within this long of its start; default 15 s. Keep
   * it below the session's `lockTimeoutMs`, so a process waiting for the lock sees a hung holder
   * give up before it gives up itself.
   */
  budgetMs?: number;
}

/** What {@link requestToken} needs from its session. */
export interface TokenRequestContext {
  provider: Provider;
  fetch: typeof fetch;
  now: () => number;
  /** A number in [0, 1) for the backoff's jitter. */
  jitter: () => number;
  sleep: (ms: number) => Promise<void>;
  retry?: RetryOptions | undefined;
  /** One attempt is abandoned after this long; default 10 s. */
  requestTimeoutMs?: number | undefined;
}

/** The largest token reply read: a token response is a few kilobytes. */
const MAX_REPLY_BYTES = 1_048_576;

/**
 * What one reply means. A redirect is judged without reading its body, and a body is read only up
 * to {@link MAX_REPLY_BYTES}: a gateway streaming megabytes costs no more than that.
 */
async function judge(response: Response, now: number): Promise<TokenOutcome> {
  const { status } = response;
  const reader = response.body?.getReader();
  // (A browser's fetch shows a redirect it did not follow as status 0, "opaqueredirect": an empty reply.)
  if (status > 299 && status < 400) {
    void reader?.cancel();
    return { kind: "invalid", status, detail: `a redirect to ${response.headers.get("location")?.slice(0, 100)}` };
  }
  const chunks: BlobPart[] = [];
  for (let size = 0, read; reader && !(read = await reader.read()).done;) {
    if ((size += read.value.length) > MAX_REPLY_BYTES) {
      void reader.cancel();
      return { kind: "invalid", status, detail: "a body over 1 MiB" };
    }
    chunks.push(read.value);
  }
  return classifyTokenReply(status, response.headers.get("retry-after"), await new Blob(chunks).text(), now);
}

/**
 * Sends one grant to the provider's token endpoint and returns the token response, retrying
 * transient failures. Throws `TokenRequestError` (rejected; `.error` tells why) or
 * `TokenResponseError` (not a token response).
 *
 * @example
 * ```ts
 * const response = await requestToken({ grantType: "refresh_token", refreshToken }, context);
 * ```
 */
export async function requestToken(grant: TokenGrant, context: TokenRequestContext): Promise<TokenResponse> {
  const { provider, now } = context;
  const { attempts = 4, baseDelayMs = 250, maxDelayMs = 4_000, budgetMs = 15_000 } = context.retry ?? {};
  const started = now();
  let outcome: TokenOutcome;
  let tries = 0;

  for (;;) {
    // The attempt ends by its own timeout or by what is left of the budget, whichever is first.
    const limit = Math.max(1, Math.ceil(Math.min(context.requestTimeoutMs ?? 10_000, budgetMs - (now() - started))));
    const timeout = AbortSignal.timeout(limit);
    const request = provider.tokenRequest(grant);
    tries++;
    try {
      outcome = await judge(await context.fetch(request, { signal: timeout }), now());
    } catch (cause) {
      // A runtime's refusal (Deno without --allow-net) is no network fault: no retry can help.
      if (/^(NotCapable|PermissionDenied)$/.test((cause as Error)?.name)) throw cause;
      // The endpoint without its query, so that the message points at the address to check.
      const at = ` at ${request.url.split("?")[0]}`;
      outcome = {
        kind: "transient",
        status: 0,
        detail: (timeout.aborted ? `no answer within ${limit} ms` : "a network error") + at,
        cause,
      };
    }
    if (outcome.kind === "ok") return outcome.response;
    if (outcome.kind !== "transient" || tries >= attempts) break;
    // A code is single-use: if a lost reply had been processed, a retry would replay it (and a
    // strict server revokes the grant). Retry an exchange only when the server says it did not
    // process it.
    if (grant.grantType === "authorization_code" && outcome.status !== 429 && outcome.status !== 503) break;
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (tries - 1)) * context.jitter();
    const wait = Math.min(maxDelayMs, Math.max(backoff, outcome.retryAfterMs ?? 0));
    // The next attempt needs time of its own inside the budget.
    if (now() + wait - started >= budgetMs) break;
    await context.sleep(wait);
  }
  throw tokenRequestFailure(outcome, provider, grant, tries);
}

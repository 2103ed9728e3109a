// Sends a token request with bounded, jittered retries for transient failures (network errors,
// 5xx, 429); everything else is decided by classifyTokenReply.

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
  /** Give up when the next wait would pass this much time since the first try; default 15 s. */
  budgetMs?: number;
}

/** What {@link requestToken} needs from its session. */
export interface TokenRequestContext {
  provider: Provider;
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  retry?: RetryOptions;
  signal?: AbortSignal;
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
  const { provider } = context;
  const attempts = Math.max(1, context.retry?.attempts ?? 4);
  const base = context.retry?.baseDelayMs ?? 250;
  const cap = context.retry?.maxDelayMs ?? 4_000;
  const budget = context.retry?.budgetMs ?? 15_000;
  const started = context.now();
  let last: Exclude<TokenOutcome, { kind: "ok" }> | undefined;
  let lastNetworkError: unknown;

  for (let attempt = 0; attempt < attempts; attempt++) {
    let outcome: TokenOutcome;
    try {
      const response = await context.fetch(provider.tokenRequest(grant), context.signal ? { signal: context.signal } : undefined);
      const text = await response.text();
      outcome = classifyTokenReply(response.status, response.headers.get("retry-after"), text, context.now());
    } catch (error) {
      if (context.signal?.aborted) throw context.signal.reason;
      lastNetworkError = error;
      outcome = { kind: "transient", status: 0, detail: "network error" };
    }
    if (outcome.kind === "ok") return outcome.response;
    last = outcome;
    if (outcome.kind !== "transient") break;
    // A code is single-use: if a lost reply had been processed, a retry would replay it (and a
    // strict server revokes the grant). Retry an exchange only when the server says it did not
    // process it.
    if (grant.grantType === "authorization_code" && outcome.status !== 429 && outcome.status !== 503) break;
    if (attempt + 1 >= attempts) break;
    const backoff = Math.min(cap, base * 2 ** attempt) * context.random();
    const wait = Math.min(cap, Math.max(backoff, outcome.retryAfterMs ?? 0));
    if (context.now() + wait - started > budget) break;
    await context.sleep(wait);
  }
  throw tokenRequestFailure(last!, provider, grant, attempts, lastNetworkError);
}

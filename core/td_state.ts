// The Python `td` library's view of stored tokens (its `state` dict), for the seed-parity API.

import type { StoredTokens } from "./types.ts";

/**
 * The seed's state dict: float epoch seconds and naive local ISO dates, as `_token_save` wrote.
 * @example
 * ```ts
 * const state: TDState = await client.grabAccessToken();
 * console.log(state.access_token_expires_at_date);
 * ```
 */
export interface TDState {
  access_token: string | null;
  refresh_token: string | null;
  logged_in: boolean;
  access_token_expires_at?: number;
  access_token_expires_at_date?: string;
  refresh_token_expires_at?: number;
  refresh_token_expires_at_date?: string;
}

/**
 * The seed's token dict (the raw token response's fields).
 * @example
 * ```ts
 * const dict: TokenDict = await auth.grabAccessTokenAndRefreshToken(url);
 * ```
 */
export interface TokenDict {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  refresh_token_expires_in?: number;
  scope?: string;
  id_token?: string;
}

/** Python's `datetime.fromtimestamp(x).isoformat()`: local time, no offset, microseconds. */
export function naiveLocalISO(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const micros = pad(d.getMilliseconds() * 1000, 6);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${micros}`;
}

/**
 * Stored tokens as the seed's state dict.
 * @example
 * ```ts
 * toTDState(await store.load()).logged_in; // true
 * ```
 */
export function toTDState(tokens: StoredTokens | null): TDState {
  if (!tokens) return { access_token: null, refresh_token: null, logged_in: false };
  const state: TDState = {
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken ?? null,
    logged_in: !tokens.expired,
    access_token_expires_at: tokens.accessExpiresAt / 1000,
    access_token_expires_at_date: naiveLocalISO(tokens.accessExpiresAt),
  };
  if (tokens.refreshExpiresAt !== undefined) {
    state.refresh_token_expires_at = tokens.refreshExpiresAt / 1000;
    state.refresh_token_expires_at_date = naiveLocalISO(tokens.refreshExpiresAt);
  }
  return state;
}

/**
 * Stored tokens as a token response dict, with lifetimes counted from `now`.
 * @example
 * ```ts
 * toTokenDict(tokens, Date.now()).expires_in; // 1799
 * ```
 */
export function toTokenDict(tokens: StoredTokens, now: number): TokenDict {
  const dict: TokenDict = {
    access_token: tokens.accessToken,
    token_type: tokens.tokenType,
    expires_in: Math.max(0, Math.round((tokens.accessExpiresAt - now) / 1000)),
  };
  if (tokens.refreshToken) dict.refresh_token = tokens.refreshToken;
  if (tokens.refreshExpiresAt !== undefined) dict.refresh_token_expires_in = Math.max(0, Math.round((tokens.refreshExpiresAt - now) / 1000));
  if (tokens.scope !== undefined) dict.scope = tokens.scope;
  if (tokens.idToken !== undefined) dict.id_token = tokens.idToken;
  return dict;
}

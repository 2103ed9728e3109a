// The Python `td` library's view of stored tokens (its `state` dict), for the Python-parity API.

import type { StoredTokens } from "./types.ts";

/**
 * The Python library's state dict: float epoch seconds and naive local ISO dates, as `_token_save` wrote.
 * @example
 * ```ts
 * const state: TDState = await client.grabAccessToken();
 * const expires = state.access_token_expires_at_date; // "2026-11-28T14:03:11", local time
 * ```
 */
export interface TDState {
  /** The access token, or null when nothing is stored. */
  access_token: string | null;
  /** The refresh token, or null when there is none. */
  refresh_token: string | null;
  /** True while the session can produce a token (false when nothing is stored or the refresh token was refused). */
  logged_in: boolean;
  /** When the access token expires, in epoch seconds (a float). */
  access_token_expires_at?: number;
  /** The same instant as a naive local ISO date, e.g. "2026-11-28T14:03:11". */
  access_token_expires_at_date?: string;
  /** When the refresh token expires, in epoch seconds (a float); absent when unknown. */
  refresh_token_expires_at?: number;
  /** The same instant as a naive local ISO date. */
  refresh_token_expires_at_date?: string;
}

/**
 * The Python library's token dict (the raw token response's fields).
 * @example
 * ```ts
 * const dict: TokenDict = await auth.grabAccessTokenAndRefreshToken(url);
 * ```
 */
export interface TokenDict {
  /** The access token. */
  access_token: string;
  /** The refresh token, when the server sent one. */
  refresh_token?: string;
  /** Usually "Bearer". */
  token_type: string;
  /** Seconds until the access token expires. */
  expires_in: number;
  /** Seconds until the refresh token expires (TD Ameritrade states it; Schwab does not). */
  refresh_token_expires_in?: number;
  /** The granted scope, when the server sent one. */
  scope?: string;
  /** An OpenID Connect ID token, when the server sent one. */
  id_token?: string;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/**
 * What Python's `datetime.fromtimestamp(ms / 1000).isoformat()` prints: naive local time, and
 * microseconds only when they are not zero (Python drops a zero fraction).
 *
 * @example
 * ```ts
 * naiveLocalISO(1795870740997); // "2026-11-28T12:59:00.997000" with TZ=America/New_York
 * ```
 */
export function naiveLocalISO(ms: number): string {
  const d = new Date(Math.floor(ms));
  const base = `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const micros = Math.round((ms - Math.floor(ms / 1000) * 1000) * 1000);
  return micros === 0 ? base : `${base}.${pad(micros, 6)}`;
}

/**
 * Stored tokens as the Python library's state dict.
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
  if (tokens.refreshExpiresAt !== undefined) {
    dict.refresh_token_expires_in = Math.max(0, Math.round((tokens.refreshExpiresAt - now) / 1000));
  }
  if (tokens.scope !== undefined) dict.scope = tokens.scope;
  if (tokens.idToken !== undefined) dict.id_token = tokens.idToken;
  return dict;
}

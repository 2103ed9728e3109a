// Public types of the emulator: its options, apps, runtime config, stats and fault descriptions.

import type { Hono } from "hono";

/**
 * An OAuth app registered with the emulator, as a developer portal would hold it.
 *
 * @example
 * const app: EmulatorApp = { flavour: "td", clientId: "MYKEY", redirectURIs: ["https://127.0.0.1"] };
 */
export interface EmulatorApp {
  /** Which server this app belongs to: TD Ameritrade or Schwab. */
  flavour: "td" | "schwab";
  /** TD: the consumer key without `@AMER.OAUTHAP`; Schwab: the app key. */
  clientId: string;
  /** Schwab only: the app secret checked by HTTP Basic client authentication. */
  clientSecret?: string;
  /** Exact-match callback URLs; trailing slash, scheme and port all count. */
  redirectURIs: string[];
  /** Shown on the authorize page. */
  name?: string;
  /**
   * Schwab only: the API products added to the app in the developer portal; default both. A call to an API
   * whose product is missing answers 401 "Client not authorized", even with a valid token.
   */
  products?: EmulatorProduct[];
  /**
   * Schwab only: the app's status in the developer portal; default `"ready"` ("Ready For Use"). A `"pending"`
   * app ("Approved - Pending") gets the page chosen by `schwabPendingAppPage` instead of the login.
   */
  approval?: "ready" | "pending";
}

/**
 * A Schwab API product: `accountsAndTrading` ("Accounts and Trading Production", the `/trader/v1/` routes)
 * or `marketData` ("Market Data Production", the `/marketdata/v1/` routes).
 *
 * @example
 * const products: EmulatorProduct[] = ["marketData"];
 */
export type EmulatorProduct = "accountsAndTrading" | "marketData";

/**
 * The switches that can be set at start (`createEmulator()` / `startEmulator()` options) and changed at run
 * time (`configure()` / `POST /__emulator/config`). Each one's public source is in the module doc's table.
 *
 * @example
 * const config: EmulatorConfig = { ...currentConfig, rotateRefreshTokens: true };
 */
export interface EmulatorConfig {
  /** Approve every authorize request at once instead of showing the consent page; default false. */
  autoApprove: boolean;
  /** Access-token lifetime in seconds (`expires_in`); default 1800. */
  accessTokenLifetimeS: number;
  /** TD refresh-token lifetime in seconds, stated as `refresh_token_expires_in`; default 7776000 (90 days). */
  tdRefreshTokenLifetimeS: number;
  /**
   * Schwab's server-side refresh-token cap in seconds, counted from the interactive login and read at each
   * refresh (so a change at run time moves the cap of existing sessions too); default 604800 (7 days).
   * Set it longer or shorter to play the field reports of tokens living past or dying before 7 days.
   */
  schwabRefreshTokenLifetimeS: number;
  /** Authorization-code lifetime in seconds per server; default `{ td: 300, schwab: 30 }`. */
  codeLifetimeS: { td: number; schwab: number };
  /** Issue a new refresh token on every refresh grant (the old one is then refused); default false. */
  rotateRefreshTokens: boolean;
  /** Presenting a rotated-out refresh token revokes its whole grant (RFC 9700 §4.14.2); default true. */
  reuseDetection: boolean;
  /** A new access token ends the same grant's earlier access tokens; default true. */
  singleActiveAccessToken: boolean;
  /**
   * Schwab only: a code exchange (a new interactive login) revokes every earlier grant of the same app, so the old
   * session's access token gets 401 and its next refresh the dead-refresh-token reply; default true. TD never does.
   */
  schwabOneSessionPerUser: boolean;
  /**
   * Schwab only: the reply to a dead, revoked, unknown or over-age refresh token. `"unsupported_token_type"`
   * (default): 400 with the field-reported body wrapping `refresh_token_authentication_error` and the token's
   * base64 SHA-256 `tokenDigest`; `"invalid_client"`: 401 `{"error":"invalid_client","error_description":"refresh token invalid"}`.
   */
  schwabDeadRefreshTokenError: "unsupported_token_type" | "invalid_client";
  /**
   * Schwab only: the page a `"pending"` app's login shows. `"whitelabel"` (default): Spring's "Whitelabel Error
   * Page" with status 500; `"unable-to-complete"`: "We are unable to complete your request..." with status 200.
   */
  schwabPendingAppPage: "whitelabel" | "unable-to-complete";
  /**
   * Schwab only: order requests (`POST /trader/v1/accounts/:hash/orders`) per app per rolling minute before
   * 429 with `Retry-After`; null for no limit; default 120.
   */
  orderRateLimitPerMinute: number | null;
  /**
   * GET API requests per app per rolling minute before 429 with `Retry-After`; null for no limit. Default
   * `{ td: 120, schwab: null }`: TD documented 120 for non-order requests, Schwab publishes no GET limit.
   */
  getRateLimitPerMinute: { td: number | null; schwab: number | null };
}

/**
 * A partial config, as accepted by `configure()` and `POST /__emulator/config`; the per-server objects may
 * name one server only.
 *
 * @example
 * const patch: EmulatorConfigPatch = { codeLifetimeS: { schwab: 5 }, getRateLimitPerMinute: { schwab: 3 } };
 */
export type EmulatorConfigPatch = Partial<Omit<EmulatorConfig, "codeLifetimeS" | "getRateLimitPerMinute">> & {
  codeLifetimeS?: { td?: number; schwab?: number };
  getRateLimitPerMinute?: { td?: number | null; schwab?: number | null };
  /** @deprecated Sets `getRateLimitPerMinute` of both servers; kept so older scripts still start. */
  rateLimitPerMinute?: number;
};

/**
 * Options of `createEmulator()`.
 *
 * @example
 * const options: EmulatorOptions = { autoApprove: true, rotateRefreshTokens: true, now: () => clock };
 */
export interface EmulatorOptions extends EmulatorConfigPatch {
  /** Registered apps; default `DEFAULT_TD_APP` and `DEFAULT_SCHWAB_APP`. */
  apps?: EmulatorApp[];
  /** Injectable clock in epoch ms; every expiry and the rate window read it. */
  now?: () => number;
  /**
   * Injectable random numbers in [0, 1), drawn for faults with a `probability`; default the platform CSPRNG.
   * Tokens, codes and ids always come from the CSPRNG.
   */
  random?: () => number;
}

/**
 * Counters kept by the emulator; `rejected` counts refusals by OAuth error name (token endpoint errors,
 * `invalid_token` for API calls refused for their token, `unauthorized_client` for a missing API product).
 *
 * @example
 * const { tokenRequests, refreshGrants }: EmulatorStats = emulator.stats();
 */
export interface EmulatorStats {
  /** Requests to either token endpoint, faulted ones included. */
  tokenRequests: number;
  /** Codes exchanged for tokens (interactive logins). */
  authorizationCodeGrants: number;
  /** Refresh grants answered with tokens. */
  refreshGrants: number;
  /** Refresh tokens minted (logins with a refresh token, plus rotations). */
  refreshTokensIssued: number;
  /** Rotated-out refresh tokens presented again. */
  reuseDetections: number;
  /** Grants revoked: code replay, reuse detection, or a newer login with `schwabOneSessionPerUser`. */
  revokedGrants: number;
  /** Requests to the API routes (market data, accounts, orders), faulted ones included. */
  apiRequests: number;
  /** Requests answered 429 by a per-minute limit. */
  rateLimited: number;
  /** Orders accepted by the order endpoint. */
  ordersPlaced: number;
  /** Faults served. */
  faultsServed: number;
  /** Requests a `hang` fault holds right now (not a counter): back to 0 once their clients gave up. */
  hangingRequests: number;
  /** Refusals by OAuth error name. */
  rejected: Record<string, number>;
}

/**
 * A kind of fault:
 * - `hang`: accept the request and never answer until the client gives up (aborts or disconnects);
 * - `latency`: wait `latencyMs`, then answer normally;
 * - `redirect`: answer `status` (default 307) with a `Location` on another origin (default `http://127.0.0.1:9` + the path);
 * - `html`: Akamai's "Access Denied" HTML page with `status` (default 403; 200 plays a gateway page that says OK);
 * - `status`: a short JSON error with `status` (400-599, default 503);
 * - `empty`: `status` (default 200), `Content-Type: application/json` and no body at all;
 * - `truncated`: the real answer (the route runs) with its body cut in half;
 * - `huge`: the real answer with its body padded with trailing spaces to `sizeBytes` (default 5 MiB), sent chunked;
 * - `expires-in` (token target only): the real token answer with `expires_in` replaced by `expiresIn` (0, -1, 1e306, "1800"...);
 * - `control-characters` (token target only): the real token answer with CR, LF and NUL planted in `field` (default `access_token`).
 *
 * @example
 * const kind: EmulatorFaultKind = "hang";
 */
export type EmulatorFaultKind =
  | "hang"
  | "latency"
  | "redirect"
  | "html"
  | "status"
  | "empty"
  | "truncated"
  | "huge"
  | "expires-in"
  | "control-characters";

/**
 * A fault served to the requests of `target`: once (the default), for `count` requests, until `clearFaults()`
 * (`count: null`), and each time only with `probability`. Faults queue; the first one that applies is served.
 *
 * @example
 * const fault: EmulatorFault = { target: "token", kind: "status", status: 503, count: 2 };
 * const flaky: EmulatorFault = { target: "all", kind: "hang", count: null, probability: 0.1 };
 */
export interface EmulatorFault {
  /** `token`: the token endpoints; `api`: market data, accounts and orders; `all`: every non-admin route. */
  target: "token" | "api" | "all";
  /** What the client gets; see `EmulatorFaultKind`. */
  kind: EmulatorFaultKind;
  /** For `status` (400-599, default 503), `html` and `empty` (200-599; default 403 and 200), `redirect` (301, 302, 303, 307, 308; default 307). */
  status?: number;
  /** For `latency`: 0-600000, default 1000. */
  latencyMs?: number;
  /** For `redirect`: an absolute http(s) URL; default `http://127.0.0.1:9` followed by the request's path and query. */
  location?: string;
  /** For `huge`: the body size in bytes, up to 64 MiB (never less than the real body); default 5 MiB. */
  sizeBytes?: number;
  /** For `expires-in`: the value written into `expires_in`, a finite number or a string. */
  expiresIn?: number | string;
  /** For `control-characters`: which token gets them; default `access_token`. */
  field?: "access_token" | "refresh_token";
  /** How many requests get the fault; default 1; null for every request until `clearFaults()`. */
  count?: number | null;
  /** The chance (0 < p ≤ 1) that an applicable request gets it; a request spared does not use up `count`. Default 1. */
  probability?: number;
}

/**
 * An emulator instance: a Hono app plus the controls tests use.
 *
 * @example
 * const emulator: Emulator = createEmulator({ autoApprove: true });
 * const res = await emulator.fetch(new Request("http://emu/__emulator/stats"));
 */
export interface Emulator {
  /** The Hono app's fetch: usable in-process, behind a server, or in workerd. */
  fetch(request: Request): Promise<Response>;
  /** The Hono app itself, to mount elsewhere or serve with another adapter. */
  app: Hono;
  /** A copy of the counters. */
  stats(): EmulatorStats;
  /** Queues a fault; a malformed one throws TypeError naming the field. */
  injectFault(fault: EmulatorFault): void;
  /** Drops every queued fault (requests already hanging keep hanging until their clients give up). */
  clearFaults(): void;
  /** Registers an app, or replaces the one with the same `clientId` (its grants and tokens stay). */
  registerApp(app: EmulatorApp): void;
  /** Changes settings at runtime; unknown or mistyped keys throw TypeError. */
  configure(patch: EmulatorConfigPatch): void;
  /** The current settings. */
  config(): EmulatorConfig;
  /** Moves the emulator's clock forward (on top of `now`), for tests in other processes. */
  advanceClock(ms: number): void;
  /** Forgets codes, grants, tokens, orders, stats, faults, rate windows and clock offset, and ends hanging requests; keeps apps and config. */
  reset(): void;
}

/**
 * Options of `startEmulator()`.
 *
 * @example
 * const options: StartEmulatorOptions = { port: 0, autoApprove: true };
 */
export interface StartEmulatorOptions extends EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Only the loopback address is allowed. */
  hostname?: "127.0.0.1";
}

/**
 * A started emulator server.
 *
 * @example
 * const running: RunningEmulator = await startEmulator({ port: 0 });
 * await fetch(`${running.url}/__emulator/stats`);
 * await running.close();
 */
export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  url: string;
  /** The emulator behind the server; its `fetch` skips the server's Host check. */
  emulator: Emulator;
  /** Stops the server, drops open connections and ends any request a `hang` fault still holds. */
  close(): Promise<void>;
}

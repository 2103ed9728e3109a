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
}

/**
 * The settings that can also be changed at runtime (`configure()` / `POST /__emulator/config`).
 *
 * @example
 * const config: EmulatorConfig = { ...currentConfig, rotateRefreshTokens: true };
 */
export interface EmulatorConfig {
  autoApprove: boolean;
  accessTokenLifetimeS: number;
  tdRefreshTokenLifetimeS: number;
  schwabRefreshTokenLifetimeS: number;
  codeLifetimeS: { td: number; schwab: number };
  rotateRefreshTokens: boolean;
  reuseDetection: boolean;
  singleActiveAccessToken: boolean;
  rateLimitPerMinute: number;
}

/**
 * A partial config, as accepted by `configure()` and `POST /__emulator/config`.
 *
 * @example
 * const patch: EmulatorConfigPatch = { codeLifetimeS: { schwab: 5 } };
 */
export type EmulatorConfigPatch = Partial<Omit<EmulatorConfig, "codeLifetimeS">> & {
  codeLifetimeS?: { td?: number; schwab?: number };
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
}

/**
 * Counters kept by the emulator; `rejected` counts refusals by OAuth error name
 * (token endpoint errors, plus `invalid_token` for API calls refused with 401).
 *
 * @example
 * const { tokenRequests, refreshGrants }: EmulatorStats = emulator.stats();
 */
export interface EmulatorStats {
  tokenRequests: number;
  authorizationCodeGrants: number;
  refreshGrants: number;
  refreshTokensIssued: number;
  reuseDetections: number;
  revokedGrants: number;
  apiRequests: number;
  rateLimited: number;
  faultsServed: number;
  rejected: Record<string, number>;
}

/**
 * A fault served to the next `count` requests of `target`.
 *
 * @example
 * const fault: EmulatorFault = { target: "token", kind: "status", status: 503, count: 2 };
 */
export interface EmulatorFault {
  /** `token`: the token endpoints; `api`: market data and accounts; `all`: every non-admin route. */
  target: "token" | "api" | "all";
  /** `latency` delays then answers normally; `status` answers with `status`; `html` answers 403 Akamai HTML. */
  kind: "latency" | "status" | "html";
  /** For `status`; default 503. */
  status?: number;
  /** For `latency`; default 1000. */
  latencyMs?: number;
  /** How many requests; default 1. */
  count?: number;
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
  app: Hono;
  stats(): EmulatorStats;
  injectFault(fault: EmulatorFault): void;
  registerApp(app: EmulatorApp): void;
  /** Changes settings at runtime; unknown or mistyped keys throw TypeError. */
  configure(patch: EmulatorConfigPatch): void;
  /** The current settings. */
  config(): EmulatorConfig;
  /** Moves the emulator's clock forward (on top of `now`), for tests in other processes. */
  advanceClock(ms: number): void;
  /** Forgets codes, grants, tokens, stats, faults, rate windows and clock offset; keeps apps and config. */
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
  emulator: Emulator;
  close(): Promise<void>;
}

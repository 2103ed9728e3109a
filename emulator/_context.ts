// The emulator's whole mutable state in one object that every route receives: config, apps, clock, stats, faults, rate windows.

import { GrantStore } from "./_grants.ts";
import { checkApp } from "./apps.ts";
import type { EmulatorApp, EmulatorConfig, EmulatorConfigPatch, EmulatorFault, EmulatorStats } from "./types.ts";

/**
 * The config used when an option is not given.
 *
 * @example
 * const lifetime = DEFAULT_CONFIG.accessTokenLifetimeS; // 1800
 */
export const DEFAULT_CONFIG: EmulatorConfig = Object.freeze({
  autoApprove: false,
  accessTokenLifetimeS: 1800,
  tdRefreshTokenLifetimeS: 7_776_000,
  schwabRefreshTokenLifetimeS: 604_800,
  codeLifetimeS: Object.freeze({ td: 300, schwab: 30 }),
  rotateRefreshTokens: false,
  reuseDetection: true,
  singleActiveAccessToken: true,
  rateLimitPerMinute: 120,
}) as EmulatorConfig;

/**
 * Zeroed counters.
 *
 * @example
 * const stats = emptyStats();
 */
export function emptyStats(): EmulatorStats {
  return {
    tokenRequests: 0,
    authorizationCodeGrants: 0,
    refreshGrants: 0,
    refreshTokensIssued: 0,
    reuseDetections: 0,
    revokedGrants: 0,
    apiRequests: 0,
    rateLimited: 0,
    faultsServed: 0,
    rejected: {},
  };
}

const BOOLEAN_KEYS = ["autoApprove", "rotateRefreshTokens", "reuseDetection", "singleActiveAccessToken"] as const;
const NUMBER_KEYS = [
  "accessTokenLifetimeS",
  "tdRefreshTokenLifetimeS",
  "schwabRefreshTokenLifetimeS",
  "rateLimitPerMinute",
] as const;

function positive(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number`);
  }
  return value;
}

/**
 * Applies a config patch to a config, refusing unknown keys and wrong types so a typo in a test fails loudly.
 *
 * @example
 * const config = applyConfig(DEFAULT_CONFIG, { rotateRefreshTokens: true });
 */
export function applyConfig(base: EmulatorConfig, patch: unknown): EmulatorConfig {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
    throw new TypeError("config must be an object");
  }
  const next: EmulatorConfig = { ...base, codeLifetimeS: { ...base.codeLifetimeS } };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== "boolean") throw new TypeError(`${key} must be a boolean`);
      (next as unknown as Record<string, unknown>)[key] = value;
    } else if ((NUMBER_KEYS as readonly string[]).includes(key)) {
      (next as unknown as Record<string, unknown>)[key] = positive(value, key);
    } else if (key === "codeLifetimeS") {
      if (typeof value !== "object" || value === null) throw new TypeError("codeLifetimeS must be an object");
      for (const [flavour, seconds] of Object.entries(value)) {
        if (flavour !== "td" && flavour !== "schwab") throw new TypeError(`codeLifetimeS.${flavour} is not a flavour`);
        if (seconds !== undefined) next.codeLifetimeS[flavour] = positive(seconds, `codeLifetimeS.${flavour}`);
      }
    } else if (key !== "apps" && key !== "now") {
      throw new TypeError(`unknown emulator option: ${key}`);
    }
  }
  return next;
}

/**
 * A queued fault with its remaining count.
 *
 * @example
 * const queued: QueuedFault = { target: "api", kind: "html", remaining: 1 };
 */
export type QueuedFault = Omit<EmulatorFault, "count"> & { remaining: number };

/**
 * Checks a fault description; TypeError names the bad field.
 *
 * @example
 * const fault = checkFault({ target: "token", kind: "status", status: 503 });
 */
export function checkFault(input: unknown): QueuedFault {
  if (typeof input !== "object" || input === null) throw new TypeError("fault must be an object");
  const f = input as Record<string, unknown>;
  if (f.target !== "token" && f.target !== "api" && f.target !== "all") {
    throw new TypeError('fault.target must be "token", "api" or "all"');
  }
  if (f.kind !== "latency" && f.kind !== "status" && f.kind !== "html") {
    throw new TypeError('fault.kind must be "latency", "status" or "html"');
  }
  if (f.status !== undefined && (!Number.isInteger(f.status) || (f.status as number) < 400 || (f.status as number) > 599)) {
    throw new TypeError("fault.status must be an integer 400-599");
  }
  if (f.latencyMs !== undefined && (typeof f.latencyMs !== "number" || f.latencyMs < 0 || f.latencyMs > 600_000)) {
    throw new TypeError("fault.latencyMs must be 0-600000");
  }
  if (f.count !== undefined && (!Number.isInteger(f.count) || (f.count as number) < 1)) {
    throw new TypeError("fault.count must be a positive integer");
  }
  return {
    target: f.target,
    kind: f.kind,
    ...(f.status !== undefined ? { status: f.status as number } : {}),
    ...(f.latencyMs !== undefined ? { latencyMs: f.latencyMs as number } : {}),
    remaining: (f.count as number | undefined) ?? 1,
  };
}

/**
 * The state shared by every route of one emulator.
 *
 * @example
 * const ctx = new EmulatorContext({ autoApprove: true });
 * ctx.now(); // epoch ms, clock offset included
 */
export class EmulatorContext {
  config: EmulatorConfig;
  readonly apps: Map<string, EmulatorApp> = new Map();
  stats: EmulatorStats = emptyStats();
  readonly grants: GrantStore;
  faults: QueuedFault[] = [];
  /** Request times per client over the rolling minute. */
  rateWindows: Map<string, number[]> = new Map();
  clockOffsetMs = 0;
  readonly #clock: () => number;

  constructor(options: EmulatorConfigPatch & { apps?: EmulatorApp[]; now?: () => number }, defaults: EmulatorApp[]) {
    this.config = applyConfig(DEFAULT_CONFIG, options);
    this.#clock = options.now ?? Date.now;
    for (const app of options.apps ?? defaults) this.registerApp(app);
    this.grants = new GrantStore(this.stats);
  }

  /** Epoch ms from the injected clock plus any `advanceClock` offset. */
  now(): number {
    return this.#clock() + this.clockOffsetMs;
  }

  registerApp(app: unknown): void {
    const checked = checkApp(app);
    this.apps.set(checked.clientId, checked);
  }

  /** Counts a refusal under its OAuth error name. */
  reject(error: string): void {
    this.stats.rejected[error] = (this.stats.rejected[error] ?? 0) + 1;
  }

  /** Takes one use of the first queued fault that applies to `target`. */
  takeFault(target: "token" | "api" | "other"): QueuedFault | undefined {
    const index = this.faults.findIndex((f) => f.target === target || f.target === "all");
    const fault = this.faults[index];
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.faults.splice(index, 1);
    this.stats.faultsServed++;
    return fault;
  }

  reset(): void {
    // The GrantStore keeps a reference to the stats object, so it is zeroed in place.
    Object.assign(this.stats, emptyStats());
    this.grants.clear();
    this.faults = [];
    this.rateWindows.clear();
    this.clockOffsetMs = 0;
  }
}

// The emulator's switches: their defaults, and the strict check every change at start or at run time goes through.

import type { EmulatorConfig } from "./types.ts";

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
  schwabOneSessionPerUser: true,
  schwabDeadRefreshTokenError: "unsupported_token_type",
  schwabPendingAppPage: "whitelabel",
  orderRateLimitPerMinute: 120,
  getRateLimitPerMinute: Object.freeze({ td: 120, schwab: null }),
}) as EmulatorConfig;

const BOOLEAN_KEYS = ["autoApprove", "rotateRefreshTokens", "reuseDetection", "singleActiveAccessToken", "schwabOneSessionPerUser"];
const NUMBER_KEYS = ["accessTokenLifetimeS", "tdRefreshTokenLifetimeS", "schwabRefreshTokenLifetimeS"];
const CHOICES: Record<string, readonly string[]> = {
  schwabDeadRefreshTokenError: ["unsupported_token_type", "invalid_client"],
  schwabPendingAppPage: ["whitelabel", "unable-to-complete"],
};

function positive(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number`);
  }
  return value;
}

function limit(value: unknown, name: string): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || (value as number) < 1) throw new TypeError(`${name} must be a positive integer, or null for no limit`);
  return value as number;
}

// Fills the per-server object `key` from a patch that may name one server only.
function perFlavour<T>(target: { td: T; schwab: T }, value: unknown, key: string, check: (v: unknown, name: string) => T): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError(`${key} must be an object`);
  for (const [flavour, item] of Object.entries(value)) {
    if (flavour !== "td" && flavour !== "schwab") throw new TypeError(`${key}.${flavour} is not a flavour (td or schwab)`);
    if (item !== undefined) target[flavour] = check(item, `${key}.${flavour}`);
  }
}

/**
 * Applies a config patch to a config, refusing unknown keys and wrong types so a typo in a test fails loudly.
 * The constructor-only options `apps`, `now` and `random` are skipped here.
 *
 * @example
 * const config = applyConfig(DEFAULT_CONFIG, { rotateRefreshTokens: true });
 */
export function applyConfig(base: EmulatorConfig, patch: unknown): EmulatorConfig {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
    throw new TypeError("config must be an object");
  }
  const next: EmulatorConfig = {
    ...base,
    codeLifetimeS: { ...base.codeLifetimeS },
    getRateLimitPerMinute: { ...base.getRateLimitPerMinute },
  };
  const writable = next as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (BOOLEAN_KEYS.includes(key)) {
      if (typeof value !== "boolean") throw new TypeError(`${key} must be a boolean`);
      writable[key] = value;
    } else if (NUMBER_KEYS.includes(key)) {
      writable[key] = positive(value, key);
    } else if (key in CHOICES) {
      if (!CHOICES[key]!.includes(value as string)) throw new TypeError(`${key} must be one of ${CHOICES[key]!.join(", ")}`);
      writable[key] = value;
    } else if (key === "orderRateLimitPerMinute") {
      next.orderRateLimitPerMinute = limit(value, key);
    } else if (key === "codeLifetimeS") {
      perFlavour(next.codeLifetimeS, value, key, positive);
    } else if (key === "getRateLimitPerMinute") {
      perFlavour(next.getRateLimitPerMinute, value, key, limit);
    } else if (key === "rateLimitPerMinute") {
      const perMinute = limit(value, key);
      next.getRateLimitPerMinute = { td: perMinute, schwab: perMinute };
    } else if (key !== "apps" && key !== "now" && key !== "random") {
      throw new TypeError(`unknown emulator option: ${key}`);
    }
  }
  return next;
}

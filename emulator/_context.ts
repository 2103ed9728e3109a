// The emulator's whole mutable state in one object that every route receives: config, apps, clock, stats, faults, rate windows.

import { applyConfig, DEFAULT_CONFIG } from "./_config.ts";
import type { QueuedFault } from "./_fault_check.ts";
import { GrantStore } from "./_grants.ts";
import { randomBytes } from "./_random.ts";
import { checkApp } from "./apps.ts";
import type { EmulatorApp, EmulatorConfig, EmulatorOptions, EmulatorStats } from "./types.ts";

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
    ordersPlaced: 0,
    faultsServed: 0,
    hangingRequests: 0,
    rejected: {},
  };
}

// A float in [0, 1) from the CSPRNG: 53 random bits, as Math.random gives.
function cryptoRandom(): number {
  const b = randomBytes(7);
  let n = 0;
  for (let i = 0; i < 7; i++) n = n * 256 + b[i]!;
  return (n % 2 ** 53) / 2 ** 53;
}

/**
 * An order placed through the order endpoint, kept so its `Location` can be read back.
 *
 * @example
 * const order: PlacedOrder = { orderId: 1001, accountNumber: "12345678", clientId, enteredTime, body };
 */
export interface PlacedOrder {
  orderId: number;
  accountNumber: string;
  clientId: string;
  enteredTime: number;
  body: Record<string, unknown>;
}

/**
 * The state shared by every route of one emulator.
 *
 * @example
 * const ctx = new EmulatorContext({ autoApprove: true }, [DEFAULT_TD_APP]);
 * ctx.now(); // epoch ms, clock offset included
 */
export class EmulatorContext {
  config: EmulatorConfig;
  readonly apps: Map<string, EmulatorApp> = new Map();
  stats: EmulatorStats = emptyStats();
  readonly grants: GrantStore;
  faults: QueuedFault[] = [];
  /** Request times per throttle key over the rolling minute. */
  rateWindows: Map<string, number[]> = new Map();
  /** Orders by id. */
  orders: Map<number, PlacedOrder> = new Map();
  /** Ends each request that a `hang` fault holds; a hang removes itself when its client gives up. */
  readonly hangs: Set<() => void> = new Set();
  clockOffsetMs = 0;
  readonly #clock: () => number;
  readonly #random: () => number;

  constructor(options: EmulatorOptions, defaults: EmulatorApp[]) {
    this.config = applyConfig(DEFAULT_CONFIG, options);
    if (options.now !== undefined && typeof options.now !== "function") throw new TypeError("now must be a function");
    if (options.random !== undefined && typeof options.random !== "function") throw new TypeError("random must be a function");
    this.#clock = options.now ?? Date.now;
    this.#random = options.random ?? cryptoRandom;
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

  /**
   * Takes one use of the first queued fault that applies to `target`; a fault with a `probability` applies only
   * when its draw says so, and a spared request leaves its count alone.
   */
  takeFault(target: "token" | "api" | "other"): QueuedFault | undefined {
    const index = this.faults.findIndex((f) =>
      (f.target === target || f.target === "all") && (f.probability === undefined || this.#random() < f.probability)
    );
    const fault = this.faults[index];
    if (!fault) return undefined;
    if (fault.remaining !== null && --fault.remaining <= 0) this.faults.splice(index, 1);
    this.stats.faultsServed++;
    return fault;
  }

  /** Answers every request a `hang` fault still holds (503), for reset() and a server that closes. */
  endHangs(): void {
    for (const end of [...this.hangs]) end();
  }

  reset(): void {
    // The GrantStore keeps a reference to the stats object, so it is zeroed in place.
    Object.assign(this.stats, emptyStats());
    this.grants.clear();
    this.faults = [];
    this.rateWindows.clear();
    this.orders.clear();
    this.endHangs();
    this.clockOffsetMs = 0;
  }
}

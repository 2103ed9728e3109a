// Builds one emulator: its state, its Hono app with every route, and the control methods tests call.

import { Hono } from "hono";
import { mountAdmin } from "./_admin.ts";
import { mountSchwabAPI } from "./_api_schwab.ts";
import { mountTDAPI } from "./_api_td.ts";
import { mountAuthorize } from "./_authorize.ts";
import { applyConfig } from "./_config.ts";
import { EmulatorContext } from "./_context.ts";
import { checkFault } from "./_fault_check.ts";
import { mountFaults } from "./_faults.ts";
import { mountSchwabOrders } from "./_orders.ts";
import { mountSchwabToken } from "./_token_schwab.ts";
import { mountTDToken } from "./_token_td.ts";
import { DEFAULT_SCHWAB_APP, DEFAULT_TD_APP } from "./apps.ts";
import type { Emulator, EmulatorOptions, EmulatorStats } from "./types.ts";

const contexts = new WeakMap<Emulator, EmulatorContext>();

/**
 * Answers the requests a `hang` fault still holds; `startEmulator`'s close() calls it so that no request outlives
 * the server even where a runtime reports the closed connections late.
 *
 * @example
 * endHangingRequests(emulator);
 */
export function endHangingRequests(emulator: Emulator): void {
  contexts.get(emulator)?.endHangs();
}

/**
 * Creates an emulator of the TD Ameritrade and Schwab OAuth and market-data servers. It runs anywhere
 * `fetch` handlers run (Node, Deno, Bun, workerd); `startEmulator` serves it on 127.0.0.1.
 *
 * @example
 * const emulator = createEmulator({ autoApprove: true, now: () => clock });
 * const res = await emulator.fetch(new Request("http://emu/v1/oauth2/token", { method: "POST", body }));
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const ctx = new EmulatorContext(options, [DEFAULT_TD_APP, DEFAULT_SCHWAB_APP]);
  const app = new Hono();

  const emulator: Emulator = {
    fetch: async (request) => await app.fetch(request),
    app,
    stats: (): EmulatorStats => structuredClone(ctx.stats),
    injectFault: (fault) => {
      ctx.faults.push(checkFault(fault));
    },
    clearFaults: () => {
      ctx.faults = [];
    },
    registerApp: (registered) => ctx.registerApp(registered),
    configure: (patch) => {
      // Constructor-only options make no sense at runtime; refusing them avoids a silent no-op.
      if (typeof patch === "object" && patch !== null && ("apps" in patch || "now" in patch || "random" in patch)) {
        throw new TypeError("apps, now and random can only be set when the emulator is created (register apps with registerApp)");
      }
      ctx.config = applyConfig(ctx.config, patch);
    },
    config: () => structuredClone(ctx.config),
    advanceClock: (ms) => {
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) throw new TypeError("ms must be a non-negative number");
      ctx.clockOffsetMs += ms;
    },
    reset: () => ctx.reset(),
  };

  contexts.set(emulator, ctx);
  mountFaults(app, ctx);
  mountAdmin(app, ctx, emulator);
  mountAuthorize(app, ctx);
  mountTDToken(app, ctx);
  mountSchwabToken(app, ctx);
  mountTDAPI(app, ctx);
  mountSchwabAPI(app, ctx);
  mountSchwabOrders(app, ctx);
  app.notFound(() => new Response("Not Found", { status: 404, headers: { "content-type": "text/plain" } }));
  // Never echo internals (they could hold tokens); the message is enough for a local test server.
  app.onError(() =>
    new Response(JSON.stringify({ error: "server_error" }), { status: 500, headers: { "content-type": "application/json" } })
  );
  return emulator;
}

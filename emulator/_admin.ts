// Emulator-only control routes under /__emulator/, so tests in another process can drive a running emulator.

import type { Context, Hono } from "hono";
import type { EmulatorContext } from "./_context.ts";
import type { Emulator } from "./types.ts";

async function readJSON(c: Context): Promise<unknown> {
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("application/json")) {
    throw new TypeError("Content-Type must be application/json");
  }
  try {
    return await c.req.json();
  } catch {
    throw new TypeError("body is not valid JSON");
  }
}

// TypeErrors are the caller's mistakes (bad JSON, unknown key) and become 400s; anything else is a real bug.
function guarded(handler: (c: Context) => Promise<Response>): (c: Context) => Promise<Response> {
  return async (c) => {
    try {
      return await handler(c);
    } catch (error) {
      if (error instanceof TypeError) return c.json({ error: "bad_request", message: error.message }, 400);
      throw error;
    }
  };
}

/**
 * Mounts `GET /__emulator/stats`, `GET|POST /__emulator/config`, `POST|DELETE /__emulator/faults`,
 * `POST /__emulator/apps` (registers or replaces an app), `POST /__emulator/clock` (`{ advanceMs }`) and
 * `POST /__emulator/reset`.
 *
 * @example
 * mountAdmin(app, ctx, emulator);
 */
export function mountAdmin(app: Hono, ctx: EmulatorContext, emulator: Emulator): void {
  app.get("/__emulator/stats", (c) => c.json(emulator.stats()));
  app.get("/__emulator/config", (c) => c.json(emulator.config()));
  app.post(
    "/__emulator/config",
    guarded(async (c) => {
      emulator.configure((await readJSON(c)) as never);
      return c.json(emulator.config());
    }),
  );
  app.post(
    "/__emulator/faults",
    guarded(async (c) => {
      emulator.injectFault((await readJSON(c)) as never);
      return c.json({ queued: ctx.faults.length });
    }),
  );
  app.delete("/__emulator/faults", (c) => {
    emulator.clearFaults();
    return c.json({ queued: 0 });
  });
  app.post(
    "/__emulator/apps",
    guarded(async (c) => {
      emulator.registerApp((await readJSON(c)) as never);
      return c.json({ apps: [...ctx.apps.keys()] }, 201);
    }),
  );
  app.post(
    "/__emulator/clock",
    guarded(async (c) => {
      const body = (await readJSON(c)) as { advanceMs?: unknown } | null;
      emulator.advanceClock(body?.advanceMs as number);
      return c.json({ now: ctx.now(), offsetMs: ctx.clockOffsetMs });
    }),
  );
  app.post("/__emulator/reset", (c) => {
    emulator.reset();
    return c.json({ reset: true });
  });
}

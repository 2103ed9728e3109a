// The first middleware: classifies each request, counts it, and serves any injected fault before the real route runs.

import type { Hono } from "hono";
import { akamaiAccessDenied, serverError } from "./_bodies.ts";
import type { EmulatorContext } from "./_context.ts";

const TOKEN_PATHS = ["/v1/oauth2/token", "/v1/oauth/token"];
const API_PREFIXES = ["/v1/marketdata/", "/v1/accounts", "/marketdata/v1/", "/trader/v1/"];

/**
 * Which fault target a request belongs to; admin routes are never faulted.
 *
 * @example
 * classify("POST", "/v1/oauth/token"); // "token"
 */
export function classify(method: string, path: string): "token" | "api" | "admin" | "other" {
  if (path.startsWith("/__emulator/")) return "admin";
  if (method === "POST" && TOKEN_PATHS.includes(path)) return "token";
  if (API_PREFIXES.some((prefix) => path === prefix || path.startsWith(prefix))) return "api";
  return "other";
}

// The HTML page names the real host the client thought it was talking to.
function realURL(path: string): string {
  if (path === "/auth") return `https://auth.tdameritrade.com${path}`;
  if (path.startsWith("/v1/oauth/") || path.startsWith("/marketdata/") || path.startsWith("/trader/")) {
    return `https://api.schwabapi.com${path}`;
  }
  return `https://api.tdameritrade.com${path}`;
}

/**
 * Mounts the counting and fault-injecting middleware; it must be mounted before every route.
 *
 * @example
 * mountFaults(app, ctx);
 */
export function mountFaults(app: Hono, ctx: EmulatorContext): void {
  app.use("*", async (c, next) => {
    const kind = classify(c.req.method, c.req.path);
    if (kind === "admin") return next();
    if (kind === "token") ctx.stats.tokenRequests++;
    if (kind === "api") ctx.stats.apiRequests++;
    const fault = ctx.takeFault(kind);
    if (!fault) return next();
    if (fault.kind === "html") return akamaiAccessDenied(realURL(c.req.path));
    if (fault.kind === "status") return serverError(fault.status ?? 503);
    await new Promise((resolve) => setTimeout(resolve, fault.latencyMs ?? 1000));
    return next();
  });
}

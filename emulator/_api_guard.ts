// Admission for market-data and account calls: bearer token check, then the per-client rate limit.

import type { Context } from "hono";
import { rateLimited, schwabUnauthorized, tdUnauthorized } from "./_bodies.ts";
import type { EmulatorContext } from "./_context.ts";
import type { Grant } from "./_grants.ts";
import { takeSlot } from "./_rate_limit.ts";

/**
 * The bearer token of a request, if it has a well-formed `Authorization: Bearer` header.
 *
 * @example
 * bearerToken(c.req.header("authorization")); // "I0.b2F1..." or undefined
 */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
}

/**
 * Lets a request through or answers it: 401 (each server's body) for a bad token, 429 past the limit.
 * With `optional` (TD quotes), a request without Authorization is admitted for `anonymousClient`.
 *
 * @example
 * const admitted = admit(ctx, c, "td");
 * if (admitted instanceof Response) return admitted;
 */
export function admit(
  ctx: EmulatorContext,
  c: Context,
  flavour: "td" | "schwab",
  anonymousClient?: string,
): { grant?: Grant } | Response {
  const header = c.req.header("authorization");
  let grant: Grant | undefined;
  if (header !== undefined || anonymousClient === undefined) {
    const token = bearerToken(header);
    grant = token ? ctx.grants.checkAccessToken(token, flavour, ctx.now()) : undefined;
    if (!grant) {
      ctx.reject("invalid_token");
      return flavour === "td" ? tdUnauthorized() : schwabUnauthorized();
    }
  }
  const retryAfterS = takeSlot(ctx, `${flavour}:${grant?.clientId ?? anonymousClient}`);
  if (retryAfterS !== undefined) return rateLimited(flavour, retryAfterS);
  return grant ? { grant } : {};
}

/**
 * Splits a comma-separated list parameter, refusing values outside `allowed`.
 *
 * @example
 * listParam("positions,orders", ["positions", "orders"]); // ["positions", "orders"]
 */
export function listParam(value: string | undefined, allowed?: string[]): string[] | undefined {
  const items = (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (allowed && items.some((item) => !allowed.includes(item))) return undefined;
  return items;
}

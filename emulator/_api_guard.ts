// Admission for API calls: bearer token check, then the app's API products, then the per-app rate limit.

import type { Context } from "hono";
import { rateLimited, schwabUnauthorized, tdUnauthorized } from "./_bodies.ts";
import type { EmulatorContext } from "./_context.ts";
import type { Grant } from "./_grants.ts";
import { takeSlot } from "./_rate_limit.ts";
import type { EmulatorProduct } from "./types.ts";

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
 * What a route needs from `admit`: the Schwab API product it belongs to, whether it is an order request
 * (counted against the order limit instead of the GET limit), and for TD quotes the client of an
 * unauthenticated call.
 *
 * @example
 * const needs: Admission = { product: "accountsAndTrading", order: true };
 */
export interface Admission {
  product?: EmulatorProduct;
  order?: boolean;
  anonymousClient?: string;
}

/**
 * Lets a request through or answers it: 401 (each server's body) for a bad token, Schwab's same 401 for an app
 * without the route's API product, 429 past the limit that applies. With `anonymousClient` (TD quotes), a
 * request without Authorization is admitted for that client.
 *
 * @example
 * const admitted = admit(ctx, c, "schwab", { product: "marketData" });
 * if (admitted instanceof Response) return admitted;
 */
export function admit(ctx: EmulatorContext, c: Context, flavour: "td" | "schwab", needs: Admission = {}): { grant?: Grant } | Response {
  const header = c.req.header("authorization");
  let grant: Grant | undefined;
  if (header !== undefined || needs.anonymousClient === undefined) {
    const token = bearerToken(header);
    grant = token ? ctx.grants.checkAccessToken(token, flavour, ctx.now()) : undefined;
    if (!grant) {
      ctx.reject("invalid_token");
      return flavour === "td" ? tdUnauthorized() : schwabUnauthorized();
    }
  }
  const clientId = grant?.clientId ?? needs.anonymousClient!;
  // A missing product gets the very 401 of a bad token (Schwabdev's troubleshooting page), so clients cannot tell them apart.
  const products = ctx.apps.get(clientId)?.products;
  if (needs.product !== undefined && products !== undefined && !products.includes(needs.product)) {
    ctx.reject("unauthorized_client");
    return schwabUnauthorized();
  }
  const perMinute = needs.order ? ctx.config.orderRateLimitPerMinute : ctx.config.getRateLimitPerMinute[flavour];
  const retryAfterS = takeSlot(ctx, `${needs.order ? "order" : "get"}:${flavour}:${clientId}`, perMinute);
  if (retryAfterS !== undefined) return rateLimited(flavour, retryAfterS, perMinute!);
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

// The apps the emulator knows by default, and the check every registered app goes through.

import type { EmulatorApp, EmulatorProduct } from "./types.ts";

const PRODUCTS: EmulatorProduct[] = ["accountsAndTrading", "marketData"];

/**
 * The TD Ameritrade app registered by default (public client, no secret).
 *
 * @example
 * const authorize = `${url}/auth?response_type=code&client_id=${DEFAULT_TD_APP.clientId}%40AMER.OAUTHAP&redirect_uri=...`;
 */
export const DEFAULT_TD_APP: EmulatorApp = Object.freeze({
  flavour: "td",
  clientId: "TDAUTHEMULATOR",
  name: "tdauth emulator (TD Ameritrade)",
  redirectURIs: Object.freeze([
    "http://127.0.0.1:8080/callback",
    "https://127.0.0.1:8080/callback",
    "https://127.0.0.1",
  ]) as string[],
}) as EmulatorApp;

/**
 * The Schwab app registered by default; key and secret have the lengths Schwab issues (32 and 16).
 *
 * @example
 * const basic = btoa(`${DEFAULT_SCHWAB_APP.clientId}:${DEFAULT_SCHWAB_APP.clientSecret}`);
 */
export const DEFAULT_SCHWAB_APP: EmulatorApp = Object.freeze({
  flavour: "schwab",
  clientId: "TdauthEmulatorSchwabAppKey000001",
  clientSecret: "EmulatorSecret01",
  name: "tdauth emulator (Schwab)",
  redirectURIs: Object.freeze([
    "https://127.0.0.1:8182",
    "https://127.0.0.1:8182/callback",
    "http://127.0.0.1:8182/callback",
  ]) as string[],
}) as EmulatorApp;

/**
 * Checks an app description and returns a private copy; a bad one throws TypeError naming the field.
 *
 * @example
 * const app = checkApp({ flavour: "td", clientId: "KEY", redirectURIs: ["https://127.0.0.1"] });
 */
export function checkApp(input: unknown): EmulatorApp {
  if (typeof input !== "object" || input === null) throw new TypeError("app must be an object");
  const app = input as Record<string, unknown>;
  if (app.flavour !== "td" && app.flavour !== "schwab") {
    throw new TypeError('app.flavour must be "td" or "schwab"');
  }
  if (typeof app.clientId !== "string" || !/^[A-Za-z0-9._-]{1,128}$/.test(app.clientId)) {
    throw new TypeError("app.clientId must be 1-128 letters, digits, '.', '_' or '-'");
  }
  if (app.flavour === "schwab" && (typeof app.clientSecret !== "string" || app.clientSecret === "")) {
    throw new TypeError("app.clientSecret is required for a schwab app");
  }
  if (app.clientSecret !== undefined && typeof app.clientSecret !== "string") {
    throw new TypeError("app.clientSecret must be a string");
  }
  if (!Array.isArray(app.redirectURIs) || app.redirectURIs.length === 0) {
    throw new TypeError("app.redirectURIs must be a non-empty array");
  }
  for (const uri of app.redirectURIs) {
    // A fragment can never carry a code back (RFC 6749 §3.1.2), so such a URI is a registration mistake.
    if (typeof uri !== "string" || !URL.canParse(uri) || uri.includes("#")) {
      throw new TypeError(`app.redirectURIs: ${String(uri)} is not an absolute URL without fragment`);
    }
  }
  if (app.name !== undefined && typeof app.name !== "string") throw new TypeError("app.name must be a string");
  if (app.flavour === "td" && (app.products !== undefined || app.approval !== undefined)) {
    throw new TypeError("app.products and app.approval apply to schwab apps only");
  }
  if (
    app.products !== undefined &&
    (!Array.isArray(app.products) || app.products.some((p) => !PRODUCTS.includes(p)) || new Set(app.products).size !== app.products.length)
  ) {
    throw new TypeError(`app.products must be an array of distinct products from ${PRODUCTS.join(", ")}`);
  }
  if (app.approval !== undefined && app.approval !== "ready" && app.approval !== "pending") {
    throw new TypeError('app.approval must be "ready" or "pending"');
  }
  return {
    flavour: app.flavour,
    clientId: app.clientId,
    ...(typeof app.clientSecret === "string" ? { clientSecret: app.clientSecret } : {}),
    redirectURIs: [...(app.redirectURIs as string[])],
    ...(typeof app.name === "string" ? { name: app.name } : {}),
    ...(app.flavour === "schwab" ? { products: [...((app.products as EmulatorProduct[] | undefined) ?? PRODUCTS)] } : {}),
    ...(app.flavour === "schwab" ? { approval: (app.approval as "ready" | "pending" | undefined) ?? "ready" } : {}),
  };
}

// The authorize endpoints of both servers: strict parameter checks, the consent page, and the redirect with a code.

import type { Hono } from "hono";
import type { EmulatorContext } from "./_context.ts";
import type { AuthorizationRequest } from "./_grants.ts";
import { authorizePage, errorPage, unableToCompletePage, whitelabelPage } from "./_pages.ts";
import { randomBytes, randomId, uuid } from "./_random.ts";

/** TD's authorize path (auth.tdameritrade.com) and Schwab's (api.schwabapi.com). */
const PATHS = { td: "/auth", schwab: "/v1/oauth/authorize" } as const;
const TD_SUFFIX = "@AMER.OAUTHAP";
const ALLOWED = ["response_type", "redirect_uri", "client_id", "state", "code_challenge", "code_challenge_method", "scope"];
const PENDING_LIFETIME_MS = 10 * 60_000;

type Checked = { ok: true; request: AuthorizationRequest; appName: string } | { ok: false; response: Response };

function refuse(flavour: "td" | "schwab", detail: string): Checked {
  return { ok: false, response: errorPage(flavour, detail) };
}

// Every failure here shows a page and never redirects: RFC 6749 §4.1.2.1 forbids redirecting to an unverified URI,
// and this stand-in is stricter than the real servers so that client mistakes show up in tests.
function checkQuery(ctx: EmulatorContext, flavour: "td" | "schwab", query: URLSearchParams): Checked {
  for (const key of new Set(query.keys())) {
    if (!ALLOWED.includes(key)) return refuse(flavour, `Unknown parameter: ${key}`);
    if (query.getAll(key).length > 1) return refuse(flavour, `Parameter sent more than once: ${key}`);
  }
  const rawClientId = query.get("client_id");
  if (!rawClientId) return refuse(flavour, "client_id is missing.");
  let clientId = rawClientId;
  if (flavour === "td") {
    // "capitalization does matter": TD wants exactly KEY@AMER.OAUTHAP here.
    if (!rawClientId.endsWith(TD_SUFFIX)) return refuse(flavour, `client_id must end with ${TD_SUFFIX}.`);
    clientId = rawClientId.slice(0, -TD_SUFFIX.length);
  }
  const app = ctx.apps.get(clientId);
  if (!app || app.flavour !== flavour) return refuse(flavour, "The client_id is not a registered application.");
  const redirectURI = query.get("redirect_uri");
  if (!redirectURI) return refuse(flavour, "redirect_uri is missing.");
  if (!app.redirectURIs.includes(redirectURI)) {
    return refuse(flavour, "The redirect_uri does not exactly match a callback URL registered for this application.");
  }
  const responseType = query.get("response_type");
  if (responseType !== "code" && !(flavour === "schwab" && responseType === null)) {
    return refuse(flavour, 'response_type must be "code".');
  }
  const challenge = query.get("code_challenge");
  const method = query.get("code_challenge_method");
  if (challenge !== null) {
    if (method !== "S256") return refuse(flavour, 'code_challenge_method must be "S256".');
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return refuse(flavour, "code_challenge is not a base64url SHA-256.");
  } else if (method !== null) {
    return refuse(flavour, "code_challenge_method without code_challenge.");
  }
  const request: AuthorizationRequest = { flavour, clientId, redirectURI };
  const state = query.get("state");
  if (state !== null) request.state = state;
  if (challenge !== null) request.codeChallenge = challenge;
  const scope = query.get("scope");
  if (scope !== null) request.scope = scope;
  return { ok: true, request, appName: app.name ?? clientId };
}

function redirect(redirectURI: string, params: Array<[string, string]>): Response {
  // encodeURIComponent turns the codes' + / = @ into %2B %2F %3D %40, as the real redirects show them.
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
  const location = `${redirectURI}${redirectURI.includes("?") ? "&" : "?"}${query}`;
  return new Response(null, { status: 302, headers: { location, "cache-control": "no-store" } });
}

// An app still "Approved - Pending" never reaches the login: Schwab shows one of two error pages instead.
function pendingPage(ctx: EmulatorContext, request: AuthorizationRequest): Response | undefined {
  if (ctx.apps.get(request.clientId)?.approval !== "pending") return undefined;
  if (ctx.config.schwabPendingAppPage === "unable-to-complete") return unableToCompletePage();
  const [a, b, c] = randomBytes(3);
  return whitelabelPage(ctx.now(), `${uuid().slice(0, 8)}-${((a! << 16) | (b! << 8) | c!) % 100_000}`);
}

function approve(ctx: EmulatorContext, request: AuthorizationRequest): Response {
  const code = ctx.grants.issueCode(request, ctx.now(), ctx.config.codeLifetimeS[request.flavour]);
  const params: Array<[string, string]> = [["code", code]];
  if (request.flavour === "schwab") params.push(["session", uuid()]);
  if (request.state !== undefined) params.push(["state", request.state]);
  return redirect(request.redirectURI, params);
}

/**
 * Mounts `GET`/`POST /auth` (TD) and `GET`/`POST /v1/oauth/authorize` (Schwab) on the app.
 *
 * @example
 * mountAuthorize(app, ctx);
 */
export function mountAuthorize(app: Hono, ctx: EmulatorContext): void {
  for (const flavour of ["td", "schwab"] as const) {
    const path = PATHS[flavour];
    app.get(path, (c) => {
      const checked = checkQuery(ctx, flavour, new URL(c.req.url).searchParams);
      if (!checked.ok) return checked.response;
      const pending = pendingPage(ctx, checked.request);
      if (pending) return pending;
      if (ctx.config.autoApprove) return approve(ctx, checked.request);
      const nonce = randomId();
      ctx.grants.savePending(nonce, checked.request, ctx.now() + PENDING_LIFETIME_MS);
      return authorizePage({
        flavour,
        appName: checked.appName,
        redirectURI: checked.request.redirectURI,
        nonce,
        action: path,
        ...(checked.request.scope !== undefined ? { scope: checked.request.scope } : {}),
      });
    });

    app.post(path, async (c) => {
      const type = c.req.header("content-type") ?? "";
      if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
        return errorPage(flavour, "The decision must be posted by the authorization form.");
      }
      const form = new URLSearchParams(await c.req.text());
      const decision = form.get("decision");
      const nonce = form.get("nonce");
      if (!nonce || (decision !== "allow" && decision !== "deny")) {
        return errorPage(flavour, "The decision must be posted by the authorization form.");
      }
      const request = ctx.grants.takePending(nonce, ctx.now());
      if (!request || request.flavour !== flavour || !ctx.apps.get(request.clientId)?.redirectURIs.includes(request.redirectURI)) {
        return errorPage(flavour, "This authorization request has expired or was already answered. Start again from the application.");
      }
      if (decision === "allow") return pendingPage(ctx, request) ?? approve(ctx, request);
      ctx.reject("access_denied");
      const params: Array<[string, string]> = [["error", "access_denied"]];
      if (request.state !== undefined) params.push(["state", request.state]);
      return redirect(request.redirectURI, params);
    });
  }
}

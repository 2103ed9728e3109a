// TD Ameritrade's token endpoint, POST /v1/oauth2/token: public client, access_type=offline, Jackson-pretty bodies.

import type { Hono } from "hono";
import { jsonText, tdPretty, tdTokenError } from "./_bodies.ts";
import type { EmulatorContext } from "./_context.ts";
import { readTokenForm } from "./_form.ts";
import type { Grant } from "./_grants.ts";
import { s256 } from "./_random.ts";

const TD_SUFFIX = "@AMER.OAUTHAP";
const SCOPE = "PlaceTrades AccountAccess MoveMoney";

function fail(ctx: EmulatorContext, status: number, error: string): Response {
  ctx.reject(error);
  return tdTokenError(status, error);
}

function success(ctx: EmulatorContext, grant: Grant, now: number, refresh?: { token: string; expiresAt: number }): Response {
  const { accessTokenLifetimeS, singleActiveAccessToken } = ctx.config;
  const body: Record<string, string | number> = {
    access_token: ctx.grants.issueAccessToken(grant, now, accessTokenLifetimeS, singleActiveAccessToken),
  };
  if (refresh) body.refresh_token = refresh.token;
  body.token_type = "Bearer";
  body.expires_in = accessTokenLifetimeS;
  body.scope = SCOPE;
  if (refresh) body.refresh_token_expires_in = Math.max(0, Math.floor((refresh.expiresAt - now) / 1000));
  return jsonText(200, tdPretty(body));
}

/**
 * Mounts TD's token endpoint.
 *
 * @example
 * mountTDToken(app, ctx);
 */
export function mountTDToken(app: Hono, ctx: EmulatorContext): void {
  app.post("/v1/oauth2/token", async (c) => {
    const form = await readTokenForm(c.req.raw);
    if (!form.ok) return fail(ctx, 400, "invalid_request");
    const grantType = form.get("grant_type");
    if (!grantType) return fail(ctx, 400, "invalid_request");
    if (grantType !== "authorization_code" && grantType !== "refresh_token") return fail(ctx, 400, "unsupported_grant_type");
    const rawClientId = form.get("client_id");
    if (!rawClientId) return fail(ctx, 400, "invalid_request");
    // Both KEY and KEY@AMER.OAUTHAP were accepted on the token endpoint (PROTOCOL B.1).
    const clientId = rawClientId.endsWith(TD_SUFFIX) ? rawClientId.slice(0, -TD_SUFFIX.length) : rawClientId;
    if (ctx.apps.get(clientId)?.flavour !== "td") return fail(ctx, 401, "invalid_client");
    const accessType = form.get("access_type");
    if (accessType !== undefined && accessType !== "offline") return fail(ctx, 400, "invalid_request");
    const offline = accessType === "offline";
    const now = ctx.now();

    if (grantType === "authorization_code") {
      const code = form.get("code");
      const redirectURI = form.get("redirect_uri");
      if (!code || !redirectURI) return fail(ctx, 400, "invalid_request");
      const verifier = form.get("code_verifier");
      const redeemed = ctx.grants.redeemCode(
        code,
        { flavour: "td", clientId, redirectURI, ...(verifier ? { verifierChallenge: await s256(verifier) } : {}) },
        now,
      );
      if (!redeemed.ok) return fail(ctx, 400, "invalid_grant");
      ctx.stats.authorizationCodeGrants++;
      if (!offline) return success(ctx, redeemed.grant, now);
      const expiresAt = now + ctx.config.tdRefreshTokenLifetimeS * 1000;
      return success(ctx, redeemed.grant, now, { token: ctx.grants.issueRefreshToken(redeemed.grant, expiresAt), expiresAt });
    }

    const presented = form.get("refresh_token");
    if (!presented) return fail(ctx, 400, "invalid_request");
    const used = ctx.grants.useRefreshToken(presented, { flavour: "td", clientId, now, reuseDetection: ctx.config.reuseDetection });
    if (!used.ok) return fail(ctx, 400, "invalid_grant");
    ctx.stats.refreshGrants++;
    if (!offline && !ctx.config.rotateRefreshTokens) return success(ctx, used.grant, now);
    // access_type=offline renews for a full lifetime; plain rotation hands over the old token's remaining life.
    const expiresAt = offline ? now + ctx.config.tdRefreshTokenLifetimeS * 1000 : used.record.expiresAt;
    const token = ctx.grants.issueRefreshToken(used.grant, expiresAt);
    if (ctx.config.rotateRefreshTokens) ctx.grants.rotateOut(presented);
    return success(ctx, used.grant, now, { token, expiresAt });
  });
}

// Schwab's token endpoint, POST /v1/oauth/token: HTTP Basic client auth, id_token, a 7-day refresh cap counted from login.

import type { Hono } from "hono";
import { jsonText, schwabRefreshError, schwabTokenError } from "./_bodies.ts";
import type { EmulatorContext } from "./_context.ts";
import { readTokenForm } from "./_form.ts";
import type { Grant, Refusal } from "./_grants.ts";
import { constantTimeEqual, s256, schwabIdToken } from "./_random.ts";

const CODE_REFUSALS: Record<Refusal, string> = {
  unknown: "Invalid authorization code",
  expired: "Authorization code expired",
  used: "Authorization code already used",
  revoked: "Authorization code revoked",
  reused: "Authorization code already used",
  wrong_client: "Authorization code was issued to another client",
  wrong_redirect: "redirect_uri does not match the authorization request",
  wrong_verifier: "PKCE verification failed",
};

function fail(ctx: EmulatorContext, status: number, error: string, description: string): Response {
  ctx.reject(error);
  const headers = status === 401 ? { "www-authenticate": 'Basic realm="api.schwabapi.com"' } : undefined;
  return schwabTokenError(status, error, description, headers);
}

// RFC 6749 §2.3.1: the Authorization header carries base64(client_id:client_secret).
function authenticate(ctx: EmulatorContext, header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match) return undefined;
  let decoded: string;
  try {
    decoded = atob(match[1]!);
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  const clientId = decoded.slice(0, colon);
  const app = ctx.apps.get(clientId);
  if (app?.flavour !== "schwab" || !app.clientSecret) return undefined;
  return constantTimeEqual(decoded.slice(colon + 1), app.clientSecret) ? clientId : undefined;
}

function success(ctx: EmulatorContext, grant: Grant, refreshToken: string, now: number): Response {
  const { accessTokenLifetimeS, singleActiveAccessToken } = ctx.config;
  const body = {
    expires_in: accessTokenLifetimeS,
    token_type: "Bearer",
    scope: "api",
    refresh_token: refreshToken,
    access_token: ctx.grants.issueAccessToken(grant, now, accessTokenLifetimeS, singleActiveAccessToken),
    id_token: schwabIdToken(grant.clientId, Math.floor(now / 1000)),
  };
  return jsonText(200, JSON.stringify(body));
}

/**
 * Mounts Schwab's token endpoint.
 *
 * @example
 * mountSchwabToken(app, ctx);
 */
export function mountSchwabToken(app: Hono, ctx: EmulatorContext): void {
  app.post("/v1/oauth/token", async (c) => {
    const form = await readTokenForm(c.req.raw);
    if (!form.ok) return fail(ctx, 400, "invalid_request", form.description);
    const clientId = authenticate(ctx, c.req.header("authorization"));
    // Schwab answers a wrong app secret with exactly this body (github.com/go-schwab/trader/issues/26).
    if (!clientId) return fail(ctx, 401, "invalid_client", "Unauthorized");
    if (form.get("client_secret") !== undefined) {
      return fail(ctx, 400, "invalid_request", "Use exactly one client authentication method");
    }
    const bodyClientId = form.get("client_id");
    if (bodyClientId !== undefined && bodyClientId !== clientId) return fail(ctx, 401, "invalid_client", "Unauthorized");
    const grantType = form.get("grant_type");
    if (!grantType) return fail(ctx, 400, "invalid_request", "grant_type is required");
    const now = ctx.now();

    if (grantType === "authorization_code") {
      const code = form.get("code");
      const redirectURI = form.get("redirect_uri");
      if (!code || !redirectURI) return fail(ctx, 400, "invalid_request", "code and redirect_uri are required");
      const verifier = form.get("code_verifier");
      const redeemed = ctx.grants.redeemCode(
        code,
        { flavour: "schwab", clientId, redirectURI, ...(verifier ? { verifierChallenge: await s256(verifier) } : {}) },
        now,
      );
      if (!redeemed.ok) return fail(ctx, 400, "invalid_grant", CODE_REFUSALS[redeemed.why]);
      ctx.stats.authorizationCodeGrants++;
      // "creating a new token instantly invalidates the previous one" (github.com/alexgolec/schwab-py/issues/94).
      if (ctx.config.schwabOneSessionPerUser) ctx.grants.revokeOtherGrants("schwab", clientId, redeemed.grant.id);
      // The cap runs from this interactive login; refreshes read it again (see useRefreshToken's capFromLoginMs).
      const expiresAt = now + ctx.config.schwabRefreshTokenLifetimeS * 1000;
      return success(ctx, redeemed.grant, ctx.grants.issueRefreshToken(redeemed.grant, expiresAt), now);
    }

    if (grantType === "refresh_token") {
      const presented = form.get("refresh_token");
      if (!presented) return fail(ctx, 400, "invalid_request", "refresh_token is required");
      const used = ctx.grants.useRefreshToken(presented, {
        flavour: "schwab",
        clientId,
        now,
        reuseDetection: ctx.config.reuseDetection,
        capFromLoginMs: ctx.config.schwabRefreshTokenLifetimeS * 1000,
      });
      if (!used.ok) {
        // schwab-py documents the same death as `invalid_client: refresh token invalid` (docs/auth.rst).
        if (ctx.config.schwabDeadRefreshTokenError === "invalid_client") return fail(ctx, 401, "invalid_client", "refresh token invalid");
        ctx.reject("unsupported_token_type");
        return await schwabRefreshError(presented);
      }
      ctx.stats.refreshGrants++;
      if (!ctx.config.rotateRefreshTokens) return success(ctx, used.grant, presented, now);
      const token = ctx.grants.issueRefreshToken(used.grant, used.record.expiresAt);
      ctx.grants.rotateOut(presented);
      return success(ctx, used.grant, token, now);
    }

    return fail(ctx, 400, "unsupported_grant_type", `Unsupported grant_type: ${grantType.slice(0, 40)}`);
  });
}

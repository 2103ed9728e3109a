// Refresh-token rotation and reuse detection: presenting a rotated-out token revokes the whole grant.

import { describe, expect, it } from "vitest";
import { bearer, inProcess, manualClock, schwabLogin, schwabRefresh, TD_INVALID_GRANT, tdLogin, tdRefresh } from "./_flow.ts";

describe("without rotation (default)", () => {
  it("keeps the TD refresh token working across refreshes", async () => {
    const { call, emulator } = inProcess({ autoApprove: true });
    const tokens = await tdLogin(call);
    for (let i = 0; i < 3; i++) expect((await tdRefresh(call, tokens.refresh_token as string)).status).toBe(200);
    expect(emulator.stats()).toMatchObject({ refreshGrants: 3, refreshTokensIssued: 1, reuseDetections: 0 });
  });
});

describe("with rotation", () => {
  it("rotates the Schwab refresh token; reusing the old one revokes the grant", async () => {
    const { call, emulator } = inProcess({ autoApprove: true, rotateRefreshTokens: true });
    const first = await schwabLogin(call);
    const second = (await (await schwabRefresh(call, first.refresh_token as string)).json()) as Record<string, string>;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await call("/trader/v1/accounts", bearer(second.access_token))).status).toBe(200);

    const reuse = await schwabRefresh(call, first.refresh_token as string);
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe("unsupported_token_type");
    // The whole grant is gone: the newer refresh token and the live access token too.
    expect((await schwabRefresh(call, second.refresh_token!)).status).toBe(400);
    expect((await call("/trader/v1/accounts", bearer(second.access_token))).status).toBe(401);
    expect(emulator.stats()).toMatchObject({ reuseDetections: 1, revokedGrants: 1, refreshTokensIssued: 2 });
  });

  it("rotates TD refresh tokens on every refresh grant and detects reuse", async () => {
    const { call, emulator } = inProcess({ autoApprove: true, rotateRefreshTokens: true });
    const first = await tdLogin(call);
    const res = await tdRefresh(call, first.refresh_token as string);
    const second = (await res.json()) as Record<string, string | number>;
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(await (await tdRefresh(call, first.refresh_token as string)).text()).toBe(TD_INVALID_GRANT);
    expect(await (await tdRefresh(call, second.refresh_token as string)).text()).toBe(TD_INVALID_GRANT);
    expect(emulator.stats()).toMatchObject({ reuseDetections: 1, revokedGrants: 1 });
  });

  it("keeps the Schwab 7-day cap across rotated tokens", async () => {
    const clock = manualClock();
    const { call } = inProcess({ autoApprove: true, rotateRefreshTokens: true, now: clock.now });
    let refresh = (await schwabLogin(call)).refresh_token as string;
    for (let day = 0; day < 6; day++) {
      clock.advance(86_400_000);
      refresh = ((await (await schwabRefresh(call, refresh)).json()) as Record<string, string>).refresh_token!;
    }
    clock.advance(86_400_000);
    expect((await schwabRefresh(call, refresh)).status).toBe(400);
  });

  it("only refuses the old token when reuse detection is off", async () => {
    const { call, emulator } = inProcess({ autoApprove: true, rotateRefreshTokens: true, reuseDetection: false });
    const first = await schwabLogin(call);
    const second = (await (await schwabRefresh(call, first.refresh_token as string)).json()) as Record<string, string>;
    expect((await schwabRefresh(call, first.refresh_token as string)).status).toBe(400);
    expect((await schwabRefresh(call, second.refresh_token!)).status).toBe(200);
    expect(emulator.stats()).toMatchObject({ reuseDetections: 0, revokedGrants: 0 });
  });
});

describe("singleActiveAccessToken", () => {
  it("can be turned off so older access tokens stay valid until they expire", async () => {
    const { call } = inProcess({ autoApprove: true, singleActiveAccessToken: false });
    const tokens = await tdLogin(call);
    await tdRefresh(call, tokens.refresh_token as string);
    expect((await call("/v1/accounts", bearer(tokens.access_token))).status).toBe(200);
  });

  it("invalidates only the same grant's older token, not another login's", async () => {
    // Two live Schwab logins of one app need one session per user off; TD keeps several sessions anyway.
    const { call } = inProcess({ autoApprove: true, schwabOneSessionPerUser: false });
    const a = await schwabLogin(call);
    const b = await schwabLogin(call);
    expect((await call("/trader/v1/accounts", bearer(a.access_token))).status).toBe(200);
    await schwabRefresh(call, a.refresh_token as string);
    expect((await call("/trader/v1/accounts", bearer(a.access_token))).status).toBe(401);
    expect((await call("/trader/v1/accounts", bearer(b.access_token))).status).toBe(200);
  });
});

// The pure refresh decisions: when a record needs a refresh or a renewal, and when its token may
// be handed on without one. Time is an argument; nothing here waits or reads a clock.
import { describe, expect, it } from "vitest";
import { freshUntil, isFresh, MUST_REFRESH_MS, needsRenewal, type RefreshPolicy, usableWithoutRefresh } from "../../core/freshness.ts";
import type { StoredTokens } from "../../core/types.ts";

const NOW = 1_800_000_000_000;
const MIN = 60_000;
const DAY = 86_400_000;
const td: RefreshPolicy = { refreshAheadMs: 5 * MIN, refreshTokenRenewAheadMs: 5 * DAY, renewsRefreshToken: true };
const schwab: RefreshPolicy = { ...td, renewsRefreshToken: false };
const tokens: StoredTokens = {
  accessToken: "at",
  refreshToken: "rt",
  tokenType: "Bearer",
  accessExpiresAt: NOW + 30 * MIN,
  accessIssuedAt: NOW,
  refreshExpiresAt: NOW + 90 * DAY,
  authorizedAt: NOW,
};

describe("freshUntil and isFresh", () => {
  it("is refreshAheadMs before the access token dies", () => {
    expect(freshUntil(tokens, td)).toBe(NOW + 25 * MIN);
    expect(isFresh(tokens, NOW + 25 * MIN - 1, td)).toBe(true);
    expect(isFresh(tokens, NOW + 25 * MIN, td)).toBe(false);
  });
  it("refreshes a short-lived token no earlier than half-way through its life", () => {
    const short = { ...tokens, accessExpiresAt: NOW + 4 * MIN };
    expect(freshUntil(short, td)).toBe(NOW + 2 * MIN);
    const { accessIssuedAt: _, ...unknownIssue } = short;
    expect(freshUntil(unknownIssue, td)).toBe(NOW - MIN);
  });
  it("comes earlier when a renewable refresh token is due for renewal, and not for Schwab", () => {
    const dying = { ...tokens, refreshExpiresAt: NOW + 5 * DAY + 10 * MIN };
    expect(freshUntil(dying, td)).toBe(NOW + 10 * MIN);
    expect(freshUntil(dying, schwab)).toBe(NOW + 25 * MIN);
  });
  it("is never for a record the server rejected", () => {
    expect(freshUntil({ ...tokens, expired: { at: NOW, reason: "rejected" } }, td)).toBe(-Infinity);
  });
});

describe("needsRenewal", () => {
  it("is due refreshTokenRenewAheadMs before a renewable refresh token dies", () => {
    expect(needsRenewal(tokens, NOW + 85 * DAY - 1, td)).toBe(false);
    expect(needsRenewal(tokens, NOW + 85 * DAY, td)).toBe(true);
  });
  it("never, where refresh tokens do not renew or their death is unknown", () => {
    expect(needsRenewal(tokens, NOW + 89 * DAY, schwab)).toBe(false);
    const { refreshExpiresAt: _, ...unknown } = tokens;
    expect(needsRenewal(unknown, NOW + 89 * DAY, td)).toBe(false);
  });
});

describe("usableWithoutRefresh", () => {
  it("hands on a live token with more than a minute left", () => {
    expect(usableWithoutRefresh(tokens, tokens.accessExpiresAt - MUST_REFRESH_MS - 1)).toBe(true);
    expect(usableWithoutRefresh(tokens, tokens.accessExpiresAt - MUST_REFRESH_MS)).toBe(false);
  });
  it("never hands on nothing, or a token the server rejected", () => {
    expect(usableWithoutRefresh(null, NOW)).toBe(false);
    expect(usableWithoutRefresh({ ...tokens, expired: { at: NOW, reason: "rejected" } }, NOW)).toBe(false);
  });
});

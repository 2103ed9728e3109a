// How Schwab ends sessions in the field, each behind a switch set over the admin endpoint of a served emulator:
// one session per app user, the two dead-refresh-token replies, the wrong-secret reply, and the refresh-token cap
// in both directions (on the emulator's clock, advanced over HTTP).

import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SCHWAB_APP } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/mod.ts";
import {
  authorizeCode,
  bearer,
  postJSON,
  SCHWAB_CLIENT_NOT_AUTHORIZED,
  schwabAuthorizePath,
  schwabExchange,
  schwabLogin,
  schwabRefresh,
  serveEmulator,
  tdLogin,
  tdRefresh,
} from "./_flow.ts";
import type { Call } from "./_flow.ts";

const DAY_MS = 86_400_000;
// The served emulator's clock is the real one plus the advanced offset, so edges are probed a minute either side.
const MINUTE_MS = 60_000;
const JSON_TYPE = "application/json;charset=UTF-8";
const SCHWAB_PY_DEAD = '{"error":"invalid_client","error_description":"refresh token invalid"}';

let running: RunningEmulator;
let call: Call;

async function configure(patch: Record<string, unknown>): Promise<void> {
  const res = await call("/__emulator/config", postJSON(patch));
  if (res.status !== 200) throw new Error(`config answered ${res.status}: ${await res.text()}`);
}

async function advance(ms: number): Promise<void> {
  expect((await call("/__emulator/clock", postJSON({ advanceMs: ms }))).status).toBe(200);
}

// The field body names the token by its base64 SHA-256; only its shape matters here (the digest is checked elsewhere).
async function expectFieldDeadReply(res: Response): Promise<void> {
  expect(res.status).toBe(400);
  expect(res.headers.get("content-type")).toBe(JSON_TYPE);
  expect(await res.text()).toMatch(
    /^\{"error":"unsupported_token_type","error_description":"400 Bad Request: \\"\{\\"error_description\\":\\"Exception while authenticating refresh token \[tokenDigest=([A-Za-z0-9+=]|\\\/){44}, Exception=Failed refresh token authentication \[tokenDigest=([A-Za-z0-9+=]|\\\/){44}\]\]\\",\\"error\\":\\"refresh_token_authentication_error\\"\}\\""\}$/,
  );
}

serveEmulator({ autoApprove: true }, (served, callServed) => ([running, call] = [served, callServed]));
beforeEach(async () => {
  await configure({
    schwabOneSessionPerUser: true,
    schwabDeadRefreshTokenError: "unsupported_token_type",
    schwabRefreshTokenLifetimeS: 604_800,
  });
});

describe("one session per app user (schwabOneSessionPerUser)", () => {
  it("refuses the old session after a second login, and the new one works", async () => {
    const first = await schwabLogin(call);
    expect((await call("/trader/v1/accounts", bearer(first.access_token))).status).toBe(200);

    const second = await schwabLogin(call);
    const oldAPI = await call("/trader/v1/accounts", bearer(first.access_token));
    expect(oldAPI.status).toBe(401);
    expect(oldAPI.headers.get("content-type")).toBe(JSON_TYPE);
    expect(await oldAPI.text()).toMatch(SCHWAB_CLIENT_NOT_AUTHORIZED);
    await expectFieldDeadReply(await schwabRefresh(call, first.refresh_token as string));

    expect((await call("/trader/v1/accounts", bearer(second.access_token))).status).toBe(200);
    const renewed = await schwabRefresh(call, second.refresh_token as string);
    expect(renewed.status).toBe(200);
    expect((await call("/trader/v1/accounts", bearer(((await renewed.json()) as { access_token: string }).access_token))).status).toBe(200);
    expect(running.emulator.stats()).toMatchObject({ authorizationCodeGrants: 2, revokedGrants: 1 });
  });

  it("keeps both sessions when switched off at run time", async () => {
    await configure({ schwabOneSessionPerUser: false });
    const first = await schwabLogin(call);
    const second = await schwabLogin(call);
    expect((await schwabRefresh(call, first.refresh_token as string)).status).toBe(200);
    expect((await schwabRefresh(call, second.refresh_token as string)).status).toBe(200);
    expect(running.emulator.stats().revokedGrants).toBe(0);
  });

  it("leaves TD sessions alone: a second TD login ends nothing", async () => {
    const first = await tdLogin(call);
    await tdLogin(call);
    expect((await call("/v1/accounts", bearer(first.access_token))).status).toBe(200);
    expect((await tdRefresh(call, first.refresh_token as string)).status).toBe(200);
  });

  it("ends only the same app's sessions", async () => {
    const other = { ...DEFAULT_SCHWAB_APP, clientId: "OtherSchwabAppKey000000000000000", clientSecret: "OtherAppSecret01" };
    expect((await call("/__emulator/apps", postJSON(other))).status).toBe(201);
    const mine = await schwabLogin(call);
    const code = await authorizeCode(
      call,
      `/v1/oauth/authorize?client_id=${other.clientId}&redirect_uri=${encodeURIComponent(other.redirectURIs[0]!)}`,
    );
    const theirs = await schwabExchange(call, code, {}, `Basic ${btoa(`${other.clientId}:${other.clientSecret}`)}`);
    expect(theirs.status).toBe(200);
    expect((await schwabRefresh(call, mine.refresh_token as string)).status).toBe(200);
  });
});

describe("dead refresh-token replies (schwabDeadRefreshTokenError)", () => {
  it("answers schwab-py's documented 401 invalid_client when switched to it", async () => {
    await configure({ schwabDeadRefreshTokenError: "invalid_client" });
    const first = await schwabLogin(call);
    await schwabLogin(call);
    const res = await schwabRefresh(call, first.refresh_token as string);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe(JSON_TYPE);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="api.schwabapi.com"');
    expect(await res.text()).toBe(SCHWAB_PY_DEAD);
    expect(running.emulator.stats().rejected).toEqual({ invalid_client: 1 });
  });

  it("answers a wrong app secret with 401 invalid_client Unauthorized, which does not touch the session", async () => {
    const tokens = await schwabLogin(call);
    const wrong = `Basic ${btoa(`${DEFAULT_SCHWAB_APP.clientId}:WrongSecret00000`)}`;
    const res = await call(
      "/v1/oauth/token",
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: wrong },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refresh_token as string }).toString(),
      },
    );
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe(JSON_TYPE);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="api.schwabapi.com"');
    expect(await res.text()).toBe('{"error":"invalid_client","error_description":"Unauthorized"}');
    expect((await schwabRefresh(call, tokens.refresh_token as string)).status).toBe(200);
  });
});

describe("refresh-token cap (schwabRefreshTokenLifetimeS)", () => {
  it("lets a refresh past the nominal 7 days succeed when the cap is longer, then ends it at the new cap", async () => {
    const tokens = await schwabLogin(call);
    // Changed after the login: the cap is read at each refresh, counted from the login.
    await configure({ schwabRefreshTokenLifetimeS: 17 * 86_400 });
    await advance(10 * DAY_MS);
    const late = await schwabRefresh(call, tokens.refresh_token as string);
    expect(late.status).toBe(200);
    expect(((await late.json()) as { refresh_token: string }).refresh_token).toBe(tokens.refresh_token);
    await advance(7 * DAY_MS - MINUTE_MS);
    expect((await schwabRefresh(call, tokens.refresh_token as string)).status).toBe(200);
    await advance(MINUTE_MS);
    await expectFieldDeadReply(await schwabRefresh(call, tokens.refresh_token as string));
  });

  it("ends a session early with the dead-token reply when the cap is shorter", async () => {
    await configure({ schwabRefreshTokenLifetimeS: 3 * 86_400 });
    const tokens = await schwabLogin(call);
    await advance(3 * DAY_MS - MINUTE_MS);
    expect((await schwabRefresh(call, tokens.refresh_token as string)).status).toBe(200);
    await advance(MINUTE_MS);
    await expectFieldDeadReply(await schwabRefresh(call, tokens.refresh_token as string));
    // Both reply shapes name the same death.
    await configure({ schwabDeadRefreshTokenError: "invalid_client" });
    expect(await (await schwabRefresh(call, tokens.refresh_token as string)).text()).toBe(SCHWAB_PY_DEAD);
  });

  it("defaults to 7 days from the login", async () => {
    expect(((await (await call("/__emulator/config")).json()) as { schwabRefreshTokenLifetimeS: number }).schwabRefreshTokenLifetimeS)
      .toBe(604_800);
    const code = await authorizeCode(call, schwabAuthorizePath());
    const tokens = (await (await schwabExchange(call, code)).json()) as { refresh_token: string };
    await advance(7 * DAY_MS);
    await expectFieldDeadReply(await schwabRefresh(call, tokens.refresh_token));
  });
});

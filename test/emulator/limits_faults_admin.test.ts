// The GET throttle (TD's 120/min), injected faults, stats counters and the /__emulator/ admin routes (over real HTTP).

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmulator, startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/mod.ts";
import {
  authorizeCode,
  bearer,
  inProcess,
  manualClock,
  overHTTP,
  postJSON,
  SCHWAB_REDIRECT,
  schwabAuthorizePath,
  schwabExchange,
  schwabLogin,
  TD_CLIENT,
  tdAuthorizePath,
  tdExchange,
  tdLogin,
  tdRefresh,
} from "./_flow.ts";
import type { Call } from "./_flow.ts";

describe("rate limit", () => {
  it("answers the 121st API call in a rolling minute with 429, per client, and not the token endpoint", async () => {
    const clock = manualClock();
    const { call, emulator } = inProcess({ autoApprove: true, now: clock.now });
    const { access_token, refresh_token } = await tdLogin(call);
    for (let i = 0; i < 120; i++) {
      expect((await call("/v1/marketdata/quotes?symbol=SQ", bearer(access_token))).status).toBe(200);
      clock.advance(100);
    }
    const limited = await call("/v1/marketdata/quotes?symbol=SQ", bearer(access_token));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toEqual({ error: expect.stringContaining("transactions per seconds restriction reached") });
    // Another client is unaffected, and token requests are not throttled.
    expect((await call("/trader/v1/accounts", bearer((await schwabLogin(call)).access_token))).status).toBe(200);
    expect((await tdRefresh(call, refresh_token as string)).status).toBe(200);
    expect(emulator.stats()).toMatchObject({ rateLimited: 1, apiRequests: 122 });

    // The window rolls: once the first call is a minute old, one slot frees up.
    const fresh = (await (await tdRefresh(call, refresh_token as string)).json()) as { access_token: string };
    clock.advance(60_000 - 120 * 100 + 1);
    expect((await call(`/v1/marketdata/quotes?symbol=SQ`, bearer(fresh.access_token))).status).toBe(200);
    expect((await call(`/v1/marketdata/quotes?symbol=SQ`, bearer(fresh.access_token))).status).toBe(429);
  });

  it("counts unauthenticated TD quotes against the apikey's client", async () => {
    const { call } = inProcess({ getRateLimitPerMinute: { td: 2 } });
    expect((await call(`/v1/marketdata/quotes?apikey=${TD_CLIENT}&symbol=SQ`)).status).toBe(200);
    expect((await call(`/v1/marketdata/quotes?apikey=${TD_CLIENT}&symbol=SQ`)).status).toBe(200);
    expect((await call(`/v1/marketdata/quotes?apikey=${TD_CLIENT}&symbol=SQ`)).status).toBe(429);
  });

  it("still takes the older rateLimitPerMinute, as the GET limit of both servers", () => {
    expect(createEmulator({ rateLimitPerMinute: 5 }).config().getRateLimitPerMinute).toEqual({ td: 5, schwab: 5 });
    expect(createEmulator().config().getRateLimitPerMinute).toEqual({ td: 120, schwab: null });
  });
});

describe("faults", () => {
  it("serves a 5xx to the next `count` token requests, then answers normally", async () => {
    const { call, emulator } = inProcess({ autoApprove: true });
    const code = await authorizeCode(call, tdAuthorizePath());
    emulator.injectFault({ target: "token", kind: "status", status: 503, count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await tdExchange(call, code);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: "Service Unavailable" });
    }
    // The faulted requests never reached the code, so it is still unused.
    expect((await tdExchange(call, code)).status).toBe(200);
    expect(emulator.stats()).toMatchObject({ tokenRequests: 3, faultsServed: 2, authorizationCodeGrants: 1 });
  });

  it("serves Akamai's HTML Access Denied page with 403", async () => {
    const { call, emulator } = inProcess({ autoApprove: true });
    emulator.injectFault({ target: "token", kind: "html" });
    const res = await schwabExchange(call, "C0.x@");
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe("text/html");
    const html = await res.text();
    expect(html.startsWith("<HTML><HEAD>\n<TITLE>Access Denied</TITLE>")).toBe(true);
    expect(html).toContain("api&#46;schwabapi&#46;com&#47;v1&#47;oauth&#47;token");
  });

  it("targets api calls only when asked, and `all` hits both", async () => {
    const { call, emulator } = inProcess({ autoApprove: true });
    const { access_token } = await tdLogin(call);
    emulator.injectFault({ target: "api", kind: "status", status: 500 });
    expect((await call("/v1/accounts", bearer(access_token))).status).toBe(500);
    expect((await call("/v1/accounts", bearer(access_token))).status).toBe(200);
    emulator.injectFault({ target: "all", kind: "status", status: 502, count: 2 });
    expect((await call("/v1/accounts", bearer(access_token))).status).toBe(502);
    expect((await tdExchange(call, "x")).status).toBe(502);
  });

  it("delays by latencyMs and then answers normally", async () => {
    const { call, emulator } = inProcess({ autoApprove: true });
    const { access_token } = await tdLogin(call);
    emulator.injectFault({ target: "api", kind: "latency", latencyMs: 150 });
    const started = performance.now();
    expect((await call("/v1/accounts", bearer(access_token))).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("rejects malformed faults", () => {
    const emulator = createEmulator();
    expect(() => emulator.injectFault({ target: "nope" } as never)).toThrow(TypeError);
    expect(() => emulator.injectFault({ target: "api", kind: "status", status: 200 })).toThrow(TypeError);
  });
});

describe("admin routes over HTTP", () => {
  let running: RunningEmulator;
  let call: Call;
  beforeAll(async () => {
    running = await startEmulator({ port: 0 });
    call = overHTTP(running.url);
  });
  afterAll(async () => {
    await running.close();
  });
  beforeEach(async () => {
    await call("/__emulator/reset", { method: "POST" });
    await call("/__emulator/config", postJSON({ autoApprove: false, rotateRefreshTokens: false }));
  });

  it("reads stats, changes config, injects faults, advances the clock and resets", async () => {
    expect((await call("/__emulator/config", postJSON({ autoApprove: true, codeLifetimeS: { schwab: 5 } }))).status).toBe(200);
    expect(((await (await call("/__emulator/config")).json()) as { codeLifetimeS: object }).codeLifetimeS).toEqual({ td: 300, schwab: 5 });

    const code = await authorizeCode(call, schwabAuthorizePath());
    expect((await call("/__emulator/clock", postJSON({ advanceMs: 5_000 }))).status).toBe(200);
    expect((await schwabExchange(call, code)).status).toBe(400);

    expect((await call("/__emulator/faults", postJSON({ target: "token", kind: "status", status: 500 }))).status).toBe(200);
    expect((await schwabExchange(call, code)).status).toBe(500);

    const stats = (await (await call("/__emulator/stats")).json()) as Record<string, unknown>;
    expect(stats).toEqual({
      tokenRequests: 2,
      authorizationCodeGrants: 0,
      refreshGrants: 0,
      refreshTokensIssued: 0,
      reuseDetections: 0,
      revokedGrants: 0,
      apiRequests: 0,
      rateLimited: 0,
      ordersPlaced: 0,
      faultsServed: 1,
      hangingRequests: 0,
      rejected: { invalid_grant: 1 },
    });
    expect((await call("/__emulator/reset", { method: "POST" })).status).toBe(200);
    expect(((await (await call("/__emulator/stats")).json()) as { tokenRequests: number }).tokenRequests).toBe(0);
  });

  it("registers an app that can then log in", async () => {
    const app = {
      flavour: "schwab",
      clientId: "RegisteredOverHttpKey00000000000",
      clientSecret: "RegisteredSecret",
      redirectURIs: ["https://127.0.0.1:9999/cb"],
      name: "Registered",
    };
    expect((await call("/__emulator/apps", postJSON(app))).status).toBe(201);
    const page = await call(`/v1/oauth/authorize?client_id=${app.clientId}&redirect_uri=${encodeURIComponent(app.redirectURIs[0]!)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<h1>Registered</h1>");
  });

  it("answers 400 to bad admin input and never faults admin routes", async () => {
    expect((await call("/__emulator/config", postJSON({ autoAprove: true }))).status).toBe(400);
    expect((await call("/__emulator/config", { method: "POST", body: "autoApprove=1" })).status).toBe(400);
    expect((await call("/__emulator/apps", postJSON({ flavour: "schwab", clientId: "X", redirectURIs: [SCHWAB_REDIRECT] }))).status).toBe(
      400,
    );
    expect((await call("/__emulator/faults", postJSON({ target: "all", kind: "status", status: 500, count: 5 }))).status).toBe(200);
    expect((await call("/__emulator/stats")).status).toBe(200);
    expect((await call("/__emulator/clock", postJSON({ advanceMs: -1 }))).status).toBe(400);
  });
});

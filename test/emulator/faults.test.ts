// Every fault kind over real HTTP, as a client meets it: exact status, headers and body, and for the kinds that
// mangle a real answer, proof that the route ran. Probabilities run on an injected random source.

import { describe, expect, it, vi } from "vitest";
import { createEmulator } from "../../emulator/mod.ts";
import type { EmulatorFault, RunningEmulator } from "../../emulator/mod.ts";
import { bearer, inProcess, postJSON, schwabLogin, schwabRefresh, serveEmulator, TD_CLIENT, tdLogin, tdRefresh } from "./_flow.ts";
import type { Call } from "./_flow.ts";

let running: RunningEmulator;
let call: Call;

async function inject(fault: EmulatorFault | Record<string, unknown>): Promise<void> {
  const res = await call("/__emulator/faults", postJSON(fault));
  if (res.status !== 200) throw new Error(`faults answered ${res.status}: ${await res.text()}`);
}

serveEmulator({ autoApprove: true }, (served, callServed) => ([running, call] = [served, callServed]));

describe("hang", () => {
  it("holds the request until the client aborts, then lets it go", async () => {
    const { refresh_token } = await schwabLogin(call);
    await inject({ target: "token", kind: "hang" });
    const controller = new AbortController();
    const pending = fetch(`${running.url}/v1/oauth/token`, {
      method: "POST",
      signal: controller.signal,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: String(refresh_token) }).toString(),
    });
    await vi.waitFor(() => expect(running.emulator.stats().hangingRequests).toBe(1));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    await vi.waitFor(() => expect(running.emulator.stats().hangingRequests).toBe(0));
    // The held request never reached the route, and the next one is answered.
    expect(running.emulator.stats()).toMatchObject({ refreshGrants: 0, faultsServed: 1 });
    expect((await schwabRefresh(call, String(refresh_token))).status).toBe(200);
  });

  it("ends in process when the Request's signal aborts, and on reset() for a request without one", async () => {
    const { emulator } = inProcess();
    emulator.injectFault({ target: "api", kind: "hang", count: 2 });
    const controller = new AbortController();
    const aborted = emulator.fetch(new Request("http://emulator.test/v1/accounts", { signal: controller.signal }));
    const unsignalled = emulator.fetch(new Request("http://emulator.test/v1/accounts"));
    expect(emulator.stats().hangingRequests).toBe(2);
    controller.abort();
    expect((await aborted).status).toBe(503);
    expect(emulator.stats().hangingRequests).toBe(1);
    emulator.reset();
    expect((await unsignalled).status).toBe(503);
    expect(emulator.stats().hangingRequests).toBe(0);
  });
});

describe("answers instead of the route", () => {
  it("redirects to another origin with 307 by default, or the given status and Location", async () => {
    await inject({ target: "token", kind: "redirect" });
    const res = await call("/v1/oauth2/token?x=1", { method: "POST" });
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe("http://127.0.0.1:9/v1/oauth2/token?x=1");
    expect(await res.text()).toBe("");
    await inject({ target: "api", kind: "redirect", status: 302, location: "https://login.example/elsewhere" });
    const api = await call("/v1/accounts");
    expect(api.status).toBe(302);
    expect(api.headers.get("location")).toBe("https://login.example/elsewhere");
  });

  it("serves the Akamai HTML page with 200 as a gateway that says OK would", async () => {
    await inject({ target: "token", kind: "html", status: 200 });
    const res = await call("/v1/oauth/token", { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(await res.text()).toMatch(/^<HTML><HEAD>\n<TITLE>Access Denied<\/TITLE>\n<\/HEAD><BODY>\n<H1>Access Denied<\/H1>\n/);
  });

  it("answers an empty body with a JSON content type", async () => {
    await inject({ target: "all", kind: "empty" });
    const res = await call("/v1/oauth/token", { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    expect(res.headers.get("content-length")).toBe("0");
    expect(await res.text()).toBe("");
    await inject({ target: "api", kind: "empty", status: 502 });
    expect((await call("/marketdata/v1/quotes?symbols=A")).status).toBe(502);
  });

  it("waits latencyMs on the API, then answers normally", async () => {
    const { access_token } = await schwabLogin(call);
    await inject({ target: "api", kind: "latency", latencyMs: 50 });
    const started = performance.now();
    expect((await call("/trader/v1/accounts", bearer(access_token))).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});

describe("real answers mangled", () => {
  it("cuts the real body in half (the refresh happened on the server)", async () => {
    const { refresh_token } = await schwabLogin(call);
    await inject({ target: "token", kind: "truncated" });
    const res = await schwabRefresh(call, String(refresh_token));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    const text = await res.text();
    expect(text.startsWith('{"expires_in":1800,"token_type":"Bearer","scope":"api","refresh_token":"')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(running.emulator.stats().refreshGrants).toBe(1);
  });

  it("pads the real body with spaces to several MB, chunked", async () => {
    const { access_token } = await schwabLogin(call);
    await inject({ target: "api", kind: "huge" });
    const res = await call("/trader/v1/accounts", bearer(access_token));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBeNull();
    expect(res.headers.get("transfer-encoding")).toBe("chunked");
    const text = await res.text();
    expect(text.length).toBe(5 * 1_048_576);
    expect(Array.isArray(JSON.parse(text))).toBe(true);
    await inject({ target: "token", kind: "huge", sizeBytes: 2_000_000 });
    expect((await (await call("/v1/oauth/token", { method: "POST" })).arrayBuffer()).byteLength).toBe(2_000_000);
  });

  for (
    const [expiresIn, tdText, schwabText] of [
      [0, '"expires_in" : 0,', '"expires_in":0,'],
      [-1, '"expires_in" : -1,', '"expires_in":-1,'],
      [1e306, '"expires_in" : 1e+306,', '"expires_in":1e+306,'],
      ["1800", '"expires_in" : "1800",', '"expires_in":"1800",'],
    ] as const
  ) {
    it(`writes expires_in ${JSON.stringify(expiresIn)} into a real token answer of either server`, async () => {
      const td = await tdLogin(call);
      const schwab = await schwabLogin(call);
      await inject({ target: "token", kind: "expires-in", expiresIn, count: 2 });
      const tdRes = await tdRefresh(call, String(td.refresh_token));
      expect(tdRes.status).toBe(200);
      const tdBody = await tdRes.text();
      expect(tdBody).toContain(`\n  ${tdText}\n`);
      expect((JSON.parse(tdBody) as { expires_in: unknown }).expires_in).toBe(expiresIn);
      // The token itself is real.
      expect((await call("/v1/accounts", bearer((JSON.parse(tdBody) as { access_token: string }).access_token))).status).toBe(200);

      const schwabBody = await (await schwabRefresh(call, String(schwab.refresh_token))).text();
      expect(schwabBody).toMatch(new RegExp(`^\\{${schwabText.replace(/[+.]/g, "\\$&")}"token_type":"Bearer"`));
    });
  }

  it("plants CR, LF and NUL in the access token, or in the refresh token, of a real token answer", async () => {
    const { refresh_token } = await schwabLogin(call);
    await inject({ target: "token", kind: "control-characters" });
    const res = await schwabRefresh(call, String(refresh_token));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/"access_token":"I0\.[^"]*\\r\\nX-Injected: 1\\u0000[^"]*@"/);
    const body = JSON.parse(text) as { access_token: string; refresh_token: string };
    expect(body.access_token).toContain("\r\nX-Injected: 1\u0000");
    // The refresh token in the same answer is untouched and still works.
    expect(body.refresh_token).toBe(refresh_token);
    expect((await schwabRefresh(call, body.refresh_token)).status).toBe(200);

    await inject({ target: "token", kind: "control-characters", field: "refresh_token" });
    const second = JSON.parse(await (await schwabRefresh(call, String(refresh_token))).text()) as {
      access_token: string;
      refresh_token: string;
    };
    expect(second.refresh_token).toContain("\r\nX-Injected: 1\u0000");
    expect((await call("/trader/v1/accounts", bearer(second.access_token))).status).toBe(200);
  });
});

describe("how often", () => {
  it("serves a fault with a probability only when the draw says so, until cleared with count null", async () => {
    const draws = [0.9, 0.1, 0.75, 0.2, 0.1];
    const { call: local, emulator } = inProcess({ random: () => draws.shift() ?? 0.99 });
    emulator.injectFault({ target: "api", kind: "status", status: 500, count: null, probability: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await local(`/v1/marketdata/quotes?apikey=${TD_CLIENT}&symbol=A`)).status);
    expect(statuses).toEqual([200, 500, 200, 500]);
    emulator.clearFaults();
    expect((await local(`/v1/marketdata/quotes?apikey=${TD_CLIENT}&symbol=A`)).status).toBe(200);
    expect(emulator.stats().faultsServed).toBe(2);
  });

  it("spends count only on served faults, and clears over DELETE /__emulator/faults", async () => {
    await inject({ target: "api", kind: "status", count: null });
    for (let i = 0; i < 3; i++) expect((await call("/v1/accounts")).status).toBe(503);
    const cleared = await call("/__emulator/faults", { method: "DELETE" });
    expect(cleared.status).toBe(200);
    expect(await cleared.json()).toEqual({ queued: 0 });
    expect((await call("/v1/accounts")).status).toBe(401);

    const { emulator, call: local } = inProcess({ random: () => 0.6 });
    emulator.injectFault({ target: "all", kind: "status", count: 1, probability: 0.5 });
    expect((await local("/v1/accounts")).status).toBe(401);
    expect(emulator.stats().faultsServed).toBe(0);
  });

  it("refuses fields of another kind, kinds that need the token target, and bad counts or probabilities", () => {
    const emulator = createEmulator();
    const bad: unknown[] = [
      { target: "api", kind: "hang", latencyMs: 5 },
      { target: "api", kind: "expires-in", expiresIn: 0 },
      { target: "token", kind: "expires-in" },
      { target: "token", kind: "expires-in", expiresIn: null },
      { target: "all", kind: "control-characters" },
      { target: "token", kind: "control-characters", field: "id_token" },
      { target: "token", kind: "redirect", status: 200 },
      { target: "token", kind: "redirect", location: "/relative" },
      { target: "token", kind: "huge", sizeBytes: 0 },
      { target: "token", kind: "html", status: 100 },
      { target: "token", kind: "status", count: 0 },
      { target: "token", kind: "status", probability: 0 },
      { target: "token", kind: "status", probability: 1.5 },
      { target: "token", kind: "explode" },
    ];
    for (const fault of bad) expect(() => emulator.injectFault(fault as EmulatorFault), JSON.stringify(fault)).toThrow(TypeError);
  });
});

// Loopback protections of the callback server: Host checks (DNS rebinding), POST-only shutdown
// and refresh with the per-run token, no cross-origin posts, 127.0.0.1 only, no secret in pages.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TD_APP, startEmulator } from "../../../emulator/mod.ts";
import { MemoryStore } from "../../../core/memory_store.ts";
import { tdAmeritrade } from "../../../core/providers/td_ameritrade.ts";
import { AuthSession } from "../../../core/session.ts";
import { type AuthApp, createAuthApp } from "../../../adapters/hono/app.ts";
import { run, type RunResult, shutdownServer } from "../../../adapters/hono/run.ts";
import { emulatorLogin } from "../../helpers/login.ts";

type Running = Awaited<ReturnType<typeof startEmulator>>;
let emu: Running;
let app: AuthApp;
let store: MemoryStore;
let origin: string;
let port: number;
let finished: Promise<RunResult | Error>;

/** A raw HTTP request, so the Host header can be anything. */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
  store = new MemoryStore();
  const session = new AuthSession({
    provider: tdAmeritrade({ clientId: DEFAULT_TD_APP.clientId, redirectURI: DEFAULT_TD_APP.redirectURIs[0]!, baseURL: emu.url }),
    store,
  });
  await emulatorLogin(session);
  app = createAuthApp({ session });
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  finished = run(app, { port: 0, timeoutMs: 0, onListen: (o) => ((origin = o), listening()) }).catch((e: Error) => e);
  await ready;
  port = Number(new URL(origin).port);
});
afterAll(async () => {
  await shutdownServer();
  await emu.close();
});

describe("the callback server", () => {
  it("serves the status page to its own loopback host", async () => {
    const page = await raw("GET", "/", { host: `127.0.0.1:${port}` });
    expect(page.status).toBe(200);
    expect(page.text).toContain("authenticated");
    const secret = (await store.load())!;
    expect(page.text).not.toContain(secret.accessToken);
    expect(page.text).not.toContain(secret.refreshToken);
  });

  it.each([
    ["a rebinding attacker's name", (p: number) => `evil.example:${p}`],
    ["the right name on another port", (p: number) => `127.0.0.1:${p + 1}`],
    ["no port at all", () => "127.0.0.1"],
    ["a public address", (p: number) => `93.184.216.34:${p}`],
  ])("refuses a Host header of %s with 421", async (_label, host) => {
    const response = await raw("GET", "/", { host: host(port) });
    expect(response.status).toBe(421);
  });

  it("refuses GET /shutdown and GET /login/refresh (POST only)", async () => {
    expect((await raw("GET", "/shutdown", { host: `127.0.0.1:${port}` })).status).toBe(405);
    expect((await raw("GET", "/login/refresh", { host: `127.0.0.1:${port}` })).status).toBe(405);
  });

  it("refuses POST /shutdown and /login/refresh without the run token, or with a wrong one", async () => {
    const form = { host: `127.0.0.1:${port}`, "content-type": "application/x-www-form-urlencoded" };
    expect((await raw("POST", "/shutdown", form, "")).status).toBe(403);
    expect((await raw("POST", "/shutdown", form, "token=guess")).status).toBe(403);
    expect((await raw("POST", "/login/refresh", form, "token=guess")).status).toBe(403);
  });

  it("refuses a cross-site form post even with the token", async () => {
    const headers = { host: `127.0.0.1:${port}`, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" };
    const response = await raw("POST", "/login/refresh", headers, `token=${app.tdauth.runToken}`);
    expect(response.status).toBe(403);
  });

  it("refreshes with the token from the page", async () => {
    const before = (await store.load())!.accessToken;
    const page = (await raw("GET", "/", { host: `127.0.0.1:${port}` })).text;
    const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
    const response = await raw(
      "POST",
      "/login/refresh",
      { host: `127.0.0.1:${port}`, "content-type": "application/x-www-form-urlencoded" },
      `token=${token}`,
    );
    expect(response.status).toBe(303);
    expect((await store.load())!.accessToken).not.toBe(before);
  });

  it("sends no-store, no-referrer and a CSP, so the code in the callback URL cannot leak", async () => {
    const response = await fetch(`${origin}/`);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    await response.body?.cancel();
  });

  it("is not an open redirect: /login goes only to the provider's authorization URL", async () => {
    const response = await fetch(`${origin}/login?next=https://evil.example`, { redirect: "manual" });
    expect(new URL(response.headers.get("location")!).origin).toBe(emu.url);
    await response.body?.cancel();
  });

  it("listens on 127.0.0.1 only (127.0.0.2, also loopback, is refused)", async () => {
    const other = await fetch(`http://127.0.0.2:${port}/`).then(() => "answered", () => "refused");
    expect(other).toBe("refused");
  });

  it("shuts down on POST /shutdown with the token, and run() reports it", async () => {
    const response = await raw(
      "POST",
      "/shutdown",
      { host: `127.0.0.1:${port}`, "content-type": "application/x-www-form-urlencoded" },
      `token=${app.tdauth.runToken}`,
    );
    expect(response).toMatchObject({ status: 200, text: "Server shutting down..." });
    expect(await finished).toBeInstanceOf(Error);
    expect(await fetch(`${origin}/`).then(() => "answered", () => "refused")).toBe("refused");
  });
});

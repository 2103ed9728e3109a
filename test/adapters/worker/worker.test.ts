// tdauth/worker in real workerd (miniflare) with a Workers KV namespace: a headless-Chromium
// login lands tokens in KV; forged callbacks are refused with KV unchanged; admin routes need
// the secret; the cron refreshes an expiring token.
import type { Miniflare } from "miniflare";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../../emulator/mod.ts";
import { securityHeaders } from "../../../adapters/_shared/headers.ts";
import { haveChromium, launchChromium } from "../../helpers/browser.ts";
import { startTestWorker } from "./_workerd.ts";

const enabled = haveChromium();
const ADMIN = "admin-secret-for-tests-only";
const KEY = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const APP_KEY = "WorkerTestAppKey0000000000000001";
const APP_SECRET = "WorkerTestSecret";
type Running = Awaited<ReturnType<typeof startEmulator>>;
let emu: Running;
let mf: Miniflare;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  ({ mf, origin } = await startTestWorker("./entry.ts", (origin) => {
    emu.emulator.registerApp({ flavour: "schwab", clientId: APP_KEY, clientSecret: APP_SECRET, redirectURIs: [`${origin}/callback`] });
    return { ADMIN_SECRET: ADMIN, TDAUTH_KEY: KEY, APP_KEY, APP_SECRET, REDIRECT_URI: `${origin}/callback`, EMULATOR: emu.url };
  }));
  if (enabled) browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await mf?.dispose();
  await emu?.close();
});

const stored = async (): Promise<string | null> => await (await mf.getKVNamespace("TOKENS")).get("tdauth:tokens");
const admin = { authorization: `Bearer ${ADMIN}` };

/** Starts a login as the admin form would, without a browser: the cookie and the provider URL. */
async function startLogin(): Promise<{ cookie: string; url: string }> {
  const response = await fetch(`${origin}/login`, { method: "POST", body: new URLSearchParams({ secret: ADMIN }), redirect: "manual" });
  expect(response.status).toBe(303);
  return { cookie: response.headers.get("set-cookie")!.split(";")[0]!, url: response.headers.get("location")! };
}

describe("tdauth/worker in workerd", () => {
  it("refuses every admin route without the secret (401)", async () => {
    for (const [method, path] of [["GET", "/"], ["GET", "/token"], ["POST", "/login/refresh"]] as const) {
      const response = await fetch(`${origin}${path}`, { method });
      expect(response.status, path).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    for (const body of [new URLSearchParams({ secret: "guess" }), undefined]) {
      const wrong = await fetch(`${origin}/login`, { method: "POST", body, redirect: "manual" });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get("set-cookie")).toBeNull();
      expect(wrong.headers.get("location")).toBeNull();
    }
    // The secret in the query string is not a way in (it would land in logs and history).
    expect((await fetch(`${origin}/token?secret=${ADMIN}`)).status).toBe(401);
  });

  it("answers the admin before any login: status unauthenticated, /token 409, GET /login/refresh 405", async () => {
    const status = await fetch(`${origin}/`, { headers: { authorization: `bearer ${ADMIN}` } }); // scheme is case-insensitive
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ state: "unauthenticated" });
    expect((await fetch(`${origin}/token`, { headers: admin })).status).toBe(409);
    expect((await fetch(`${origin}/login/refresh`, { headers: admin })).status).toBe(405);
  });

  it("sends the callback app's security headers, CSP included, on every kind of response", async () => {
    const { cookie, url } = await startLogin();
    const responses = [
      await fetch(`${origin}/login`),
      await fetch(`${origin}/token`),
      await fetch(`${origin}/`, { headers: admin }),
      await fetch(`${origin}/login`, { method: "POST", headers: admin, redirect: "manual" }),
      await fetch(`${origin}/callback?code=x&state=${new URL(url).searchParams.get("state")}x`, { headers: { cookie } }),
      await fetch(`${origin}/nowhere`),
    ];
    for (const [i, response] of responses.entries()) {
      const nonce = /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")?.[1];
      expect(nonce, response.url).toMatch(/^[\w-]{22}$/);
      // The login form posts to /login, which redirects to the provider's login: a form target too.
      const formTargets = i === 0 ? [new URL(emu.url).origin] : [];
      for (const [name, value] of Object.entries(securityHeaders(nonce!, formTargets))) {
        expect(response.headers.get(name), `${response.url} ${name}`).toBe(value);
      }
      await response.body?.cancel();
    }
  });

  it("starts a login from curl with the Authorization header: 303 to the provider, cookie set", async () => {
    const response = await fetch(`${origin}/login`, { method: "POST", headers: admin, redirect: "manual" });
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get("location")!).origin).toBe(emu.url.replace(/\/$/, ""));
    expect(response.headers.get("set-cookie")).toMatch(/^tdauth_login=/);
  });

  it("keeps the pending login in an encrypted HttpOnly Secure SameSite=Lax cookie", async () => {
    const response = await fetch(`${origin}/login`, { method: "POST", body: new URLSearchParams({ secret: ADMIN }), redirect: "manual" });
    const setCookie = response.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const state = new URL(response.headers.get("location")!).searchParams.get("state")!;
    expect(setCookie).not.toContain(state); // encrypted, not merely encoded
  });

  it.runIf(enabled)("a Chromium login (admin form → Allow → callback) stores the tokens in KV", async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/login`);
    await page.getByLabel("Admin secret").fill(ADMIN);
    await page.getByRole("button", { name: "Continue to the login" }).click();
    // Chromium counts http://127.0.0.1 as a secure context, so it keeps the Secure cookie there.
    const pendingCookie = (await page.context().cookies(origin)).find((c) => c.name === "tdauth_login");
    expect(pendingCookie).toMatchObject({ secure: true, httpOnly: true, sameSite: "Lax", path: "/" });
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(/\/callback\?/);
    expect(await page.locator("main").innerText()).toMatch(/Logged in to Charles Schwab/);
    expect((await page.context().cookies(origin)).find((c) => c.name === "tdauth_login")).toBeUndefined();
    await page.close();
    const tokens = JSON.parse((await stored())!);
    expect(tokens).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), provider: "schwab" });
    const status = await (await fetch(`${origin}/`, { headers: admin })).json();
    expect(status).toMatchObject({ state: "authenticated" });
    expect(JSON.stringify(status)).not.toContain(tokens.accessToken);
    const token = await (await fetch(`${origin}/token`, { headers: admin })).json();
    expect(token.accessToken).toBe(tokens.accessToken);
  });

  it("refuses a callback without the cookie: 400, no token request, KV unchanged", async () => {
    const before = await stored();
    const requests = emu.emulator.stats().tokenRequests;
    await startLogin(); // a login is pending, but this request does not carry its cookie
    const response = await fetch(`${origin}/callback?code=C0.forged%40&state=anything`);
    expect(response.status).toBe(400);
    expect(await stored()).toBe(before);
    expect(emu.emulator.stats().tokenRequests).toBe(requests);
  });

  it("refuses a callback whose state does not match the cookie: 400, no token request, KV unchanged", async () => {
    const before = await stored();
    const requests = emu.emulator.stats().tokenRequests;
    const { cookie } = await startLogin();
    const response = await fetch(`${origin}/callback?code=C0.forged%40&state=wrong`, { headers: { cookie } });
    expect(response.status).toBe(400);
    expect(response.headers.get("set-cookie")).toBeNull(); // the real login in this browser lives on
    expect(await stored()).toBe(before);
    expect(emu.emulator.stats().tokenRequests).toBe(requests);
    const noState = await fetch(`${origin}/callback?code=C0.forged%40`, { headers: { cookie } });
    expect(noState.status).toBe(400);
    expect(emu.emulator.stats().tokenRequests).toBe(requests);
  });

  it("completes the real login after a forged callback hit the same browser", async () => {
    emu.emulator.configure({ autoApprove: true });
    try {
      const { cookie, url } = await startLogin();
      expect((await fetch(`${origin}/callback?code=C0.forged%40&state=wrong`, { headers: { cookie } })).status).toBe(400);
      const callback = (await fetch(url, { redirect: "manual" })).headers.get("location")!;
      const real = await fetch(callback, { headers: { cookie } });
      expect(real.status).toBe(200);
      expect(real.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    } finally {
      emu.emulator.configure({ autoApprove: false });
    }
  });

  it("refuses a callback whose cookie was tampered with: 400, no token request, KV unchanged", async () => {
    const before = await stored();
    const requests = emu.emulator.stats().tokenRequests;
    const { cookie, url } = await startLogin();
    const state = new URL(url).searchParams.get("state")!;
    const [name, value] = cookie.split("=");
    const parts = value!.split(".");
    parts[3] = parts[3]!.startsWith("A") ? `B${parts[3]!.slice(1)}` : `A${parts[3]!.slice(1)}`;
    const response = await fetch(`${origin}/callback?code=C0.forged%40&state=${state}`, {
      headers: { cookie: `${name}=${parts.join(".")}` },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect(await stored()).toBe(before);
    expect(emu.emulator.stats().tokenRequests).toBe(requests);
  });

  it("refuses a replayed callback (same URL, copied cookie) without presenting the spent code again", async () => {
    emu.emulator.configure({ autoApprove: true });
    try {
      const { cookie, url } = await startLogin();
      const callback = (await fetch(url, { redirect: "manual" })).headers.get("location")!;
      expect((await fetch(callback, { headers: { cookie } })).status).toBe(200);
      const after = await stored();
      const requests = emu.emulator.stats().tokenRequests;
      const replay = await fetch(callback, { headers: { cookie } });
      expect(replay.status).toBe(400);
      expect(await replay.text()).toMatch(/already completed/);
      expect(await stored()).toBe(after);
      expect(emu.emulator.stats().tokenRequests).toBe(requests);
    } finally {
      emu.emulator.configure({ autoApprove: false });
    }
  });

  it("/token in the advisory window hands out the token at once, and its background refresh completes after the response", async () => {
    const before = JSON.parse((await stored())!);
    // A 30-minute token with 5 minutes left: past the Worker's 10-minute refresh-ahead, before the last minute.
    const kv = await mf.getKVNamespace("TOKENS");
    await kv.put(
      "tdauth:tokens",
      JSON.stringify({ ...before, accessExpiresAt: Date.now() + 300_000, accessIssuedAt: Date.now() - 1_500_000 }),
    );
    const requests = emu.emulator.stats().tokenRequests;
    const response = await fetch(`${origin}/token`, { headers: admin });
    expect(response.status).toBe(200);
    expect((await response.json()).accessToken).toBe(before.accessToken);
    // The response is out; the refresh it started must still reach the token endpoint and KV.
    let after = before;
    for (let i = 0; i < 100 && after.accessToken === before.accessToken; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = JSON.parse((await stored())!);
    }
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.accessExpiresAt).toBeGreaterThan(Date.now() + 20 * 60_000);
    expect(emu.emulator.stats().tokenRequests).toBe(requests + 1);
  });

  it("POST /login/refresh with the secret refreshes; the cron refreshes a token about to expire", async () => {
    const first = JSON.parse((await stored())!);
    const refreshed = await fetch(`${origin}/login/refresh`, { method: "POST", headers: admin });
    expect(refreshed.status).toBe(200);
    const second = JSON.parse((await stored())!);
    expect(second.accessToken).not.toBe(first.accessToken);
    // Make the stored token expire in a minute, inside the cron's 10-minute window.
    const kv = await mf.getKVNamespace("TOKENS");
    await kv.put(
      "tdauth:tokens",
      JSON.stringify({ ...second, accessExpiresAt: Date.now() + 60_000, accessIssuedAt: Date.now() - 1_740_000 }),
    );
    const worker = await mf.getWorker();
    await worker.scheduled({ cron: "*/5 * * * *", scheduledTime: new Date() });
    const third = JSON.parse((await stored())!);
    expect(third.accessToken).not.toBe(second.accessToken);
    expect(third.accessExpiresAt).toBeGreaterThan(Date.now() + 20 * 60_000);
  });
});

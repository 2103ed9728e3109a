// A login in progress on the callback server cannot be replaced by another site: a cross-site
// (or same-site) GET /login answers 409 and keeps the pending state, over real HTTP and from a
// page of another site in headless Chromium; the user's own /login still starts over.
import { createServer, type Server } from "node:http";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../../emulator/mod.ts";
import { approvedRedirect } from "../../helpers/login.ts";
import { haveChromium, launchChromium } from "../../helpers/browser.ts";
import { serveApp } from "./_serve.ts";

type Running = Awaited<ReturnType<typeof startEmulator>>;
let emu: Running;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
});
afterAll(async () => await emu?.close());

const serve = (appOptions: { authorizationTimeoutMs?: number } = {}) => serveApp(emu, appOptions);

async function getLogin(origin: string, site?: string): Promise<Response> {
  return await fetch(`${origin}/login`, { redirect: "manual", headers: site === undefined ? {} : { "sec-fetch-site": site } });
}

const stateOf = (response: Response): string => new URL(response.headers.get("location")!).searchParams.get("state")!;

describe("GET /login while a login is pending", () => {
  it("from another site answers 409 and keeps the pending login, which then completes", async () => {
    const served = await serve();
    try {
      const first = await getLogin(served.origin);
      expect(first.status).toBe(302);
      const pending = stateOf(first);
      for (const site of ["cross-site", "same-site"]) {
        const hostile = await getLogin(served.origin, site);
        const body = await hostile.text();
        expect(hostile.status, site).toBe(409);
        expect(hostile.headers.get("location")).toBeNull();
        expect(body).toContain("A login is already in progress");
        expect(body).toMatch(/it waits \d+ s more/);
        expect(served.session.pendingAuthorization()?.state).toBe(pending);
      }
      const callback = await fetch(await approvedRedirect(first.headers.get("location")!));
      expect(callback.status).toBe(200);
      const result = await served.finished;
      expect(result).not.toBeInstanceOf(Error);
      expect((await served.store.load())?.accessToken).toBeTruthy();
    } finally {
      await served.stop();
    }
  });

  it("from this origin, typed by the user, or from a client without Fetch Metadata starts over", async () => {
    const served = await serve();
    try {
      let state = stateOf(await getLogin(served.origin));
      for (const site of ["same-origin", "none", undefined]) {
        const again = await getLogin(served.origin, site);
        expect(again.status, String(site)).toBe(302);
        expect(stateOf(again)).not.toBe(state);
        state = stateOf(again);
        expect(served.session.pendingAuthorization()?.state).toBe(state);
      }
    } finally {
      await served.stop();
    }
  });

  it("from another site starts over once the pending login is no longer valid", async () => {
    const served = await serve({ authorizationTimeoutMs: 0 });
    try {
      const state = stateOf(await getLogin(served.origin));
      const again = await getLogin(served.origin, "cross-site");
      expect(again.status).toBe(302);
      expect(stateOf(again)).not.toBe(state);
    } finally {
      await served.stop();
    }
  });
});

describe.skipIf(!haveChromium())("GET /login from another site's page in Chromium", () => {
  let browser: Browser;
  let attacker: Server;
  let attackerOrigin: string;
  let target = "";
  beforeAll(async () => {
    browser = await launchChromium();
    // Another site: "localhost" is not the site of 127.0.0.1, whatever the ports.
    attacker = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><img src="${target}/login" alt=""><a id="go" href="${target}/login">win a prize</a>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    attackerOrigin = `http://localhost:${(attacker.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
  });

  it("neither an image nor a followed link replaces the login in progress", async () => {
    const served = await serve();
    target = served.origin;
    try {
      const pending = stateOf(await getLogin(served.origin));
      const page = await browser.newPage();
      try {
        await page.goto(attackerOrigin, { waitUntil: "load" });
        expect(served.session.pendingAuthorization()?.state).toBe(pending);
        await Promise.all([page.waitForURL(`${served.origin}/login`), page.click("#go")]);
        expect(await page.locator("h1").innerText()).toBe("A login is already in progress");
        expect(served.session.pendingAuthorization()?.state).toBe(pending);
      } finally {
        await page.close();
      }
    } finally {
      await served.stop();
    }
  });
});

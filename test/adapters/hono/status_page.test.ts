// The status page in real Chromium: state, both expiries and the Schwab deadline are shown, the
// page is readable without JavaScript, and a screenshot is kept as a test artifact.
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator } from "../../../emulator/mod.ts";
import { AuthSession } from "../../../core/session.ts";
import { createAuthApp } from "../../../adapters/hono/app.ts";
import { run, shutdownServer } from "../../../adapters/hono/run.ts";
import { createLoopbackCertificate } from "../../../adapters/hono/cert.ts";
import type { TLSFiles } from "../../../adapters/hono/_listen.ts";
import { haveChromium, launchChromium, spkiHash } from "../../helpers/browser.ts";
import { emulatorLogin, emulatorSchwab } from "../../helpers/login.ts";

const enabled = haveChromium();
const artifacts = new URL("../../artifacts", import.meta.url).pathname;
type Running = Awaited<ReturnType<typeof startEmulator>>;
let emu: Running;
let origin: string;
let tls: TLSFiles;

beforeAll(async () => {
  if (!enabled) return;
  emu = await startEmulator({ port: 0, autoApprove: true });
  const session = new AuthSession({
    provider: emulatorSchwab(emu.url),
  });
  await emulatorLogin(session);
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  // Schwab's redirect URI is https; a certificate made here keeps the test out of ~/.td_python_api.
  tls = await createLoopbackCertificate();
  void run(createAuthApp({ session }), { port: 0, timeoutMs: 0, tls, onListen: (o) => ((origin = o), listening()) }).catch(() => {});
  await ready;
});
afterAll(async () => {
  if (!enabled) return;
  await shutdownServer();
  await emu.close();
});

it.runIf(enabled)("shows the state, both expiries with a countdown and the 7-day deadline; screenshot kept", async () => {
  const browser = await launchChromium({ trustSPKI: await spkiHash(tls.cert) });
  try {
    for (const javaScript of [false, true]) {
      const context = await browser.newContext({ javaScriptEnabled: javaScript, viewport: { width: 900, height: 700 } });
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      const text = (selector: string) => page.locator(selector).innerText();
      expect(await text("#state")).toBe("authenticated");
      expect(await text("#access-expires")).toMatch(/UTC \(in (29|30) min/);
      expect(await text("#refresh-expires")).toMatch(/UTC \(in (6|7) d/);
      expect(await page.getByText("Schwab ends every session 7 days after the login").isVisible()).toBe(true);
      for (const name of ["Refresh now", "Shut down server"]) expect(await page.getByRole("button", { name }).isVisible()).toBe(true);
      expect(await page.getByRole("link", { name: "Log in" }).isVisible()).toBe(true);
      expect(await page.getAttribute("html", "lang")).toBe("en");
      if (javaScript) {
        // The countdown ticks in seconds once the script runs.
        await expect.poll(() => text("#access-expires .left")).toMatch(/in \d+ min \d+ s/);
        mkdirSync(artifacts, { recursive: true });
        const png = join(artifacts, "status-page.png");
        await page.screenshot({ path: png, fullPage: true });
        expect(statSync(png).size).toBeGreaterThan(10_000);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
});

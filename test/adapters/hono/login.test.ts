// The callback server with a real browser: headless Chromium clicks Allow on the emulator's
// authorize page, the callback lands on run()'s server (http and https), tokens are stored and
// the server closes. The server is run on Node in-process and on Deno and Bun as subprocesses.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../../emulator/mod.ts";
import { AuthorizationError } from "../../../core/errors.ts";
import { MemoryStore } from "../../../core/memory_store.ts";
import { schwab } from "../../../core/providers/schwab.ts";
import { tdAmeritrade } from "../../../core/providers/td_ameritrade.ts";
import { AuthSession } from "../../../core/session.ts";
import { TDClient } from "../../../adapters/local/mod.ts";
import { browserLogin } from "../../../adapters/hono/browser_login.ts";
import { loopbackCertificate } from "../../../adapters/hono/cert.ts";
import { haveChromium, launchChromium, spkiHash } from "../../helpers/browser.ts";
import { freePort } from "../../helpers/port.ts";

const root = new URL("../../..", import.meta.url).pathname;
const enabled = haveChromium();
type Running = Awaited<ReturnType<typeof startEmulator>>;
let emu: Running;
let browser: Browser;
let dir: string;
let certDir: string;

beforeAll(async () => {
  if (!enabled) return;
  emu = await startEmulator({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), "tdauth-hono-"));
  certDir = join(dir, "certs");
  const { cert } = await loopbackCertificate(certDir);
  browser = await launchChromium({ trustSPKI: await spkiHash(cert) });
});
afterAll(async () => {
  if (!enabled) return;
  await browser.close();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

async function register(scheme: "http" | "https", flavour: "td" | "schwab"): Promise<string> {
  const port = await freePort();
  const redirectURI = `${scheme}://127.0.0.1:${port}/callback`;
  emu.emulator.registerApp(
    flavour === "td"
      ? { flavour, clientId: `TDLOGIN${port}`, redirectURIs: [redirectURI] }
      : { flavour, clientId: `SchwabLoginTest${port}`.padEnd(32, "0"), clientSecret: "LoginTestSecret1", redirectURIs: [redirectURI] },
  );
  return redirectURI;
}

/** Opens the provider URL in Chromium and clicks Allow; resolves with the page after the callback. */
async function approveInBrowser(url: string): Promise<string> {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(/\/callback\?/);
    return await page.locator("main").innerText();
  } finally {
    await page.close();
  }
}

/** Starts an approval in the browser and keeps its promise, so the test awaits it. */
function approver(): { onURL: (url: string) => void; page: () => Promise<string> } {
  let approval: Promise<string> | undefined;
  return {
    onURL: (url) => void (approval ??= approveInBrowser(url)),
    page: () => approval ?? Promise.reject(new Error("the login URL was never announced")),
  };
}

async function refused(origin: string): Promise<boolean> {
  return await fetch(origin).then(() => false, () => true);
}

describe.runIf(enabled)("browserLogin on Node with headless Chromium", () => {
  it("logs in over http: Allow → callback → tokens stored → server closed", async () => {
    const redirectURI = await register("http", "td");
    const store = new MemoryStore();
    const session = new AuthSession({
      provider: tdAmeritrade({ clientId: `TDLOGIN${new URL(redirectURI).port}`, redirectURI, baseURL: emu.url }),
      store,
    });
    const browserSide = approver();
    const status = await browserLogin(session, { openBrowser: false, log: () => {}, onURL: browserSide.onURL });
    expect(status.state).toBe("authenticated");
    expect((await store.load())?.accessToken).toEqual(expect.any(String));
    const page = await browserSide.page();
    expect(page).toMatch(/Logged in to TD Ameritrade/);
    expect(page).not.toContain((await store.load())!.accessToken);
    expect(await refused(new URL(redirectURI).origin)).toBe(true);
  });

  it("logs in over https with the self-signed loopback certificate (Schwab)", async () => {
    const redirectURI = await register("https", "schwab");
    const port = new URL(redirectURI).port;
    const store = new MemoryStore();
    const session = new AuthSession({
      provider: schwab({
        clientId: `SchwabLoginTest${port}`.padEnd(32, "0"),
        clientSecret: "LoginTestSecret1",
        redirectURI,
        baseURL: emu.url,
      }),
      store,
    });
    const browserSide = approver();
    const announced: string[] = [];
    const lines: string[] = [];
    const status = await browserLogin(session, {
      openBrowser: false,
      certDir,
      log: (line) => lines.push(line),
      onURL: (url) => (announced.push(url), browserSide.onURL(url)),
    });
    expect(status).toMatchObject({ state: "authenticated", provider: "schwab" });
    // The browser is sent to our own /login first, so the certificate warning comes before the
    // provider's login and not while a ~30 s Schwab code waits at the callback.
    expect(announced).toEqual([`https://127.0.0.1:${port}/login`]);
    expect(lines.join("\n")).toMatch(/warn that the certificate of 127\.0\.0\.1 is not trusted/);
    expect(await browserSide.page()).toMatch(/self-signed certificate/);
    // The certificate was kept, private, beside the credentials.
    const { statSync } = await import("node:fs");
    expect(statSync(join(certDir, "loopback-key.pem")).mode & 0o777).toBe(0o600);
  });

  it("a Deny ends the login with an AuthorizationError and closes the server", async () => {
    const redirectURI = await register("http", "td");
    const session = new AuthSession({
      provider: tdAmeritrade({ clientId: `TDLOGIN${new URL(redirectURI).port}`, redirectURI, baseURL: emu.url }),
    });
    let denial: Promise<void> | undefined;
    const deny = async (url: string) => {
      const page = await browser.newPage();
      await page.goto(url);
      await page.getByRole("button", { name: "Deny" }).click();
      await page.waitForURL(/error=access_denied/);
      await page.close();
    };
    await expect(browserLogin(session, { openBrowser: false, log: () => {}, onURL: (url) => void (denial = deny(url)) }))
      .rejects.toThrow(/access_denied/);
    await denial;
    expect(session.state).toBe("unauthenticated");
  });

  it("times out with a clear error when nobody logs in", async () => {
    const redirectURI = await register("http", "td");
    const session = new AuthSession({
      provider: tdAmeritrade({ clientId: `TDLOGIN${new URL(redirectURI).port}`, redirectURI, baseURL: emu.url }),
    });
    const error = await browserLogin(session, { openBrowser: false, log: () => {}, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthorizationError);
    expect((error as Error).message).toMatch(/No login completed within 0 s|No login completed within/);
    expect(await refused(new URL(redirectURI).origin)).toBe(true);
  });

  it('TDClient({ authFlow: "flask" }) logs in through the same server', async () => {
    const redirectURI = await register("http", "td");
    const lines: string[] = [];
    const browserSide = approver();
    const client = new TDClient({
      provider: tdAmeritrade({ clientId: `TDLOGIN${new URL(redirectURI).port}`, redirectURI, baseURL: emu.url }),
      store: new MemoryStore(),
      authFlow: "flask",
      openBrowser: false,
      log: (line) => {
        lines.push(line);
        const url = /log in: (\S+)/.exec(line)?.[1];
        if (url) browserSide.onURL(url);
      },
    });
    expect(await client.login()).toBe(true);
    expect(await browserSide.page()).toMatch(/Logged in/);
    expect(lines.join("\n")).toMatch(/Waiting for the login on http:\/\/127\.0\.0\.1:/);
    expect(await client.getQuotes(["MSFT"])).toHaveProperty("MSFT");
  });
});

describe.runIf(enabled)("browserLogin on Deno and Bun (server in a subprocess, Chromium here)", () => {
  for (const runtime of ["deno", "bun"] as const) {
    it(`${runtime}: https login completes and the tokens land in the credentials file`, async () => {
      const redirectURI = await register("https", "schwab");
      const port = new URL(redirectURI).port;
      const credentials = join(dir, runtime, "td_state.json");
      const args = runtime === "deno"
        ? ["run", "-A", "--no-check", "test/adapters/hono/fixtures/browser_login.ts"]
        : ["test/adapters/hono/fixtures/browser_login.ts"];
      const child = spawn(join(root, "node_modules/.bin", runtime), args, {
        cwd: root,
        env: {
          ...process.env,
          LOGIN_FLAVOUR: "schwab",
          LOGIN_REDIRECT_URI: redirectURI,
          LOGIN_CLIENT_ID: `SchwabLoginTest${port}`.padEnd(32, "0"),
          LOGIN_CLIENT_SECRET: "LoginTestSecret1",
          LOGIN_EMULATOR: emu.url,
          LOGIN_CREDENTIALS: credentials,
          LOGIN_CERT_DIR: certDir,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const browserSide = approver();
      let out = "";
      let err = "";
      child.stderr.on("data", (d) => (err += d));
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      child.stdout.on("data", (d) => {
        out += d;
        const url = /"url":"([^"]+)"/.exec(out)?.[1];
        if (url) browserSide.onURL(JSON.parse(`"${url}"`));
      });
      expect(await exited, err).toBe(0);
      expect(out).toContain('{"state":"authenticated"}');
      expect(await browserSide.page()).toMatch(/Logged in/);
      expect(JSON.parse(readFileSync(credentials, "utf8"))).toMatchObject({ logged_in: true, provider: "schwab" });
    }, 60_000);
  }
});

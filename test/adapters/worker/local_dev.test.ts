// The one documented command that runs the example Worker locally (node examples/worker/dev.mjs):
// workerd and the emulator come up, a login goes through the Worker's form, the emulator and the
// Worker's callback, the success page speaks of the Worker (no terminal is waiting), /token hands
// out the token, and Ctrl-C stops both servers. Once with fetch, once in headless Chromium.
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { haveChromium, launchChromium } from "../../helpers/browser.ts";
import { freePort } from "../../helpers/port.ts";

const root = new URL("../../../", import.meta.url).pathname;
const running: ChildProcess[] = [];

afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  }
});

interface Dev {
  child: ChildProcess;
  origin: string;
  emulator: string;
  secret: string;
  stopped: Promise<number | null>;
}

async function startDev(args: string[]): Promise<Dev> {
  const port = await freePort();
  const child = spawn(process.execPath, ["examples/worker/dev.mjs", "--port", String(port), ...args], {
    cwd: root,
    env: { ...process.env, ADMIN_SECRET: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  const stopped = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let out = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.includes("Ctrl-C to stop.")) resolve();
    });
    void stopped.then((code) => reject(new Error(`dev.mjs exited ${code}:\n${out}`)));
  });
  return {
    child,
    origin: `http://127.0.0.1:${port}`,
    emulator: /^Emulator: (http:\/\/127\.0\.0\.1:\d+) /m.exec(out)![1]!,
    secret: /admin secret (\S+)$/m.exec(out)![1]!,
    stopped,
  };
}

const WORKER_PAGE = /This Worker holds the session now: its cron refreshes the tokens/;

describe("node examples/worker/dev.mjs", () => {
  it("logs in through the Worker against the emulator, serves /token, and stops both servers on SIGTERM", async () => {
    const dev = await startDev(["--auto-approve"]);
    const login = await fetch(`${dev.origin}/login`, {
      method: "POST",
      body: new URLSearchParams({ secret: dev.secret }),
      redirect: "manual",
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const authorize = new URL(login.headers.get("location")!);
    // BASE_URL points the provider at the emulator.
    expect(authorize.origin).toBe(dev.emulator);
    const approved = await fetch(authorize, { redirect: "manual" });
    const callback = approved.headers.get("location")!;
    expect(callback.startsWith(`${dev.origin}/callback?`)).toBe(true);
    const page = await fetch(callback, { headers: { cookie } });
    const html = await page.text();
    expect(page.status, html).toBe(200);
    expect(html).toMatch(WORKER_PAGE);
    expect(html).not.toMatch(/terminal/);
    const token = await fetch(`${dev.origin}/token`, { headers: { authorization: `Bearer ${dev.secret}` } });
    expect(token.status).toBe(200);
    expect((await token.json()) as { accessToken: string }).toMatchObject({ accessToken: expect.any(String), tokenType: "Bearer" });

    dev.child.kill("SIGTERM");
    // 143 = 128 + SIGTERM: miniflare ends the process itself on the signal, after the script's own stop.
    expect([0, 143]).toContain(await dev.stopped);
    await expect(fetch(`${dev.emulator}/__emulator/stats`)).rejects.toThrow();
  }, 120_000);

  it.runIf(haveChromium())(
    "logs in from a real browser: the admin form, the emulator's consent page, the Worker's success page",
    async () => {
      const dev = await startDev([]);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${dev.origin}/login`);
        await page.fill('input[name="secret"]', dev.secret);
        await page.click('button[type="submit"], input[type="submit"]');
        await page.waitForURL(`${dev.emulator}/**`);
        await page.click('button[value="allow"]');
        await page.waitForURL(`${dev.origin}/callback?**`);
        expect(await page.textContent("body")).toMatch(WORKER_PAGE);
        const status = await fetch(`${dev.origin}/`, { headers: { authorization: `Bearer ${dev.secret}` } });
        expect(await status.json()).toMatchObject({ state: "authenticated", provider: "schwab" });
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});

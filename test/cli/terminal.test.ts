// The browser flow as a person sees it: `tdauth login` in a real terminal (tmux) shows the URL
// and a spinner with the time left, headless Chromium completes the login, and the success
// line follows. Needs tmux and chromium.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/types.ts";
import { haveChromium, launchChromium } from "../helpers/browser.ts";
import { toolOrSkip } from "../helpers/tools.ts";
import { ROOT } from "./_run.ts";
import { freePort } from "../helpers/port.ts";

// Both are asked, so a machine missing both hears about both.
const TMUX = toolOrSkip("tmux", "terminal tests");
const ready = haveChromium() && TMUX !== null;
const SOCKET = `tdauth-test-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync(TMUX!, ["-L", SOCKET, ...args], { encoding: "utf8" });
const pane = (): string => tmux("capture-pane", "-p", "-J", "-t", "login");

async function waitForPane(pattern: RegExp, ms = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const m = pattern.exec(pane());
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in the terminal:\n${pane()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!ready)("browser login in a terminal", () => {
  let emu: RunningEmulator;
  let home: string;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, autoApprove: true });
    home = mkdtempSync(join(tmpdir(), "tdauth-term-"));
  });
  afterAll(async () => {
    try {
      tmux("kill-server");
    } catch {
      // Already gone.
    }
    await emu?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("shows a spinner with the time left, then the success line, as Chromium completes the login", async () => {
    const port = await freePort();
    const redirectURI = `http://127.0.0.1:${port}/callback`;
    emu.emulator.registerApp({
      flavour: "schwab",
      clientId: "TerminalTestAppKey00000000000001",
      clientSecret: "TerminalSecret01",
      redirectURIs: [redirectURI],
    });
    const env = [
      `TDAUTH_HOME=${home}`,
      `TDAUTH_PROVIDER=emulator`,
      `TDAUTH_EMULATOR_URL=${emu.url}`,
      "TDAUTH_CLIENT_ID=TerminalTestAppKey00000000000001",
      "TDAUTH_CLIENT_SECRET=TerminalSecret01",
      `TDAUTH_REDIRECT_URI=${redirectURI}`,
      "LANG=C.UTF-8",
      "TERM=xterm-256color",
    ].join(" ");
    tmux(
      "-u",
      "new-session",
      "-d",
      "-x",
      "250",
      "-y",
      "40",
      "-s",
      "login",
      `cd ${ROOT} && env -u NO_COLOR ${env} node bin/tdauth.mjs login --flow browser --no-browser --timeout 120; echo EXIT=$?; sleep 60`,
    );
    const [, url] = await waitForPane(/^ {2}(http:\/\/127\.0\.0\.1:\d+\/v1\/oauth\/authorize\?\S+)$/m);
    const spinning = await waitForPane(/([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]) Waiting for the login in the browser… (\d):(\d\d) left/);
    expect(Number(spinning[2]) * 60 + Number(spinning[3])).toBeGreaterThan(100);
    // It animates: several frames within a second, on the same line.
    const frames = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const m = /([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]) Waiting for the login in the browser…/.exec(pane());
      if (m) frames.add(m[1]!);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(frames.size).toBeGreaterThan(1);
    expect(pane().match(/Waiting for the login in the browser…/g)).toHaveLength(1);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(url!);
      const done = await waitForPane(
        /✓ Logged in to Charles Schwab \(Term…0001\)\. Access token until .+ \(in 29 minutes\); refresh token until .+ \(in 6 days\)\./,
      );
      expect(done[0]).toBeTruthy();
      await waitForPane(/^EXIT=0$/m);
      expect(pane()).not.toMatch(/Waiting for the login in the browser…/);
    } finally {
      await browser.close();
    }
  });
});

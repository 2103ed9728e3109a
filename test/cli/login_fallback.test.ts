// `tdauth login --flow browser` when the callback port cannot be served: held by another program,
// or below 1024 without administrator rights (a redirect URI without a port means 443). The CLI
// says why and finishes the login in the same run by the manual flow (paste the redirect URL).
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/types.ts";
import { freePort } from "../helpers/port.ts";
import { type Child, cleanEnv, tdauth } from "./_run.ts";

let emu: RunningEmulator;
const homes: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
});
afterAll(async () => {
  await emu?.close();
});
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A browser login for a new emulator app with `redirectURI`, run as `user`. */
function browserLogin(name: string, redirectURI: string, user: { uid?: number; gid?: number } = {}): { child: Child; home: string } {
  const home = mkdtempSync(join(tmpdir(), "tdauth-fallback-"));
  homes.push(home);
  if (user.uid !== undefined) chmodSync(home, 0o777);
  const app = { flavour: "schwab" as const, clientId: `${name}AppKey`.padEnd(32, "0"), clientSecret: "FallbackSecret01" };
  emu.emulator.registerApp({ ...app, redirectURIs: [redirectURI] });
  const env = cleanEnv({
    TDAUTH_HOME: home,
    TDAUTH_PROVIDER: "emulator",
    TDAUTH_EMULATOR_URL: emu.url,
    TDAUTH_CLIENT_ID: app.clientId,
    TDAUTH_CLIENT_SECRET: app.clientSecret,
    TDAUTH_REDIRECT_URI: redirectURI,
  });
  const child = tdauth(["login", "--flow", "browser", "--no-browser", "--timeout", "60"], env, [process.execPath, "bin/tdauth.mjs"], user);
  return { child, home };
}

/** The manual flow's part of the user: open the printed URL (the emulator approves), paste where it lands. */
async function pasteRedirect(child: Child): Promise<void> {
  const [, url] = await child.waitForStderr(/^ {2}(http\S+\/v1\/oauth\/authorize\?\S+)$/m);
  const approved = await fetch(url!, { redirect: "manual" });
  child.end(`${approved.headers.get("location")}\n`);
}

describe("tdauth login --flow browser, when the callback port cannot be served", () => {
  it("says the port is in use and finishes by the manual flow in the same run", async () => {
    const port = await freePort();
    const holder: Server = createServer((socket) => {
      requests++;
      socket.destroy();
    });
    let requests = 0;
    await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
    try {
      const { child, home } = browserLogin("PortInUse", `http://127.0.0.1:${port}/callback`);
      await child.waitForStderr(/Continuing with the manual login/);
      await pasteRedirect(child);
      const result = await child.done;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`warning: Port ${port} on 127.0.0.1 is in use by another program`);
      expect(result.stdout).toMatch(/^✓ Logged in to Charles Schwab \(Port…0000\)/);
      expect(JSON.parse(readFileSync(join(home, "td_state.json"), "utf8")).access_token).toBeTruthy();
      expect(requests, "nothing was sent to the program holding the port").toBe(0);
    } finally {
      holder.close();
    }
  });

  // Port 443 needs administrator rights unless the system lets everyone bind it; as root the CLI
  // runs as nobody, as the user a bot usually runs as.
  const unprivilegedFrom = Number(readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8"));
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  it.skipIf(unprivilegedFrom <= 443)(
    "explains a redirect URI without a port before binding, then finishes by the manual flow when 443 is refused",
    async () => {
      const { child, home } = browserLogin("NoPort", "https://127.0.0.1", asUser);
      await child.waitForStderr(/Continuing with the manual login/);
      await pasteRedirect(child);
      const result = await child.done;
      expect(result.code, result.stderr).toBe(0);
      const note = result.stderr.indexOf(
        "note: the redirect URI https://127.0.0.1 names no port, so the login must be received on port 443",
      );
      const refused = result.stderr.indexOf("warning: Port 443 on 127.0.0.1 needs administrator rights to serve");
      expect(note, result.stderr).toBeGreaterThanOrEqual(0);
      expect(refused, result.stderr).toBeGreaterThan(note);
      expect(result.stdout).toMatch(/^✓ Logged in to Charles Schwab \(NoPo…0000\)/);
      expect(JSON.parse(readFileSync(join(home, "td_state.json"), "utf8")).refresh_token).toBeTruthy();
    },
  );
});

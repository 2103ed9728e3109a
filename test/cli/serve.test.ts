// `tdauth serve` as a real child process against the emulator: it keeps serving through logins
// until SIGTERM or Ctrl-C (exit 0, port closed), the status page's Shut down or --timeout;
// --close-after still stops at the first login.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/mod.ts";
import { freePort } from "../helpers/port.ts";
import { approvedRedirect, type Child, cleanEnv, runTdauth, tdauth } from "./_run.ts";

type Running = Awaited<ReturnType<typeof startEmulator>>;
let emu: Running;
let home: string;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
  home = mkdtempSync(join(tmpdir(), "tdauth-serve-"));
});
afterAll(async () => {
  await emu?.close();
  rmSync(home, { recursive: true, force: true });
});

/** A Schwab app on the emulator whose redirect URI is a free loopback port, and `tdauth serve` for it. */
async function startServe(extra: string[] = [], name = "serve"): Promise<{ child: Child; origin: string; credentials: string }> {
  const port = await freePort();
  const clientId = `ServeTestApp${port}`.padEnd(32, "0");
  const redirectURI = `http://127.0.0.1:${port}/callback`;
  emu.emulator.registerApp({ flavour: "schwab", clientId, clientSecret: "ServeTestSecret1", redirectURIs: [redirectURI] });
  const credentials = join(home, `${name}-${port}.json`);
  const child = tdauth(
    [
      "serve",
      "--client-id",
      clientId,
      "--client-secret",
      "ServeTestSecret1",
      "--redirect-uri",
      redirectURI,
      "--credentials",
      credentials,
      ...extra,
    ],
    cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url }),
  );
  const [, origin] = await child.waitForStderr(/Serving the callback app on (http:\/\/127\.0\.0\.1:\d+)\//);
  return { child, origin: origin!, credentials };
}

/** A whole login through the served app: /login, the emulator's approval, the callback. */
async function loginThrough(origin: string): Promise<number> {
  const login = await fetch(`${origin}/login`, { redirect: "manual" });
  expect(login.status).toBe(302);
  const callback = await fetch(await approvedRedirect(login.headers.get("location")!));
  await callback.body?.cancel();
  return callback.status;
}

const refused = (origin: string): Promise<boolean> => fetch(origin).then(() => false, () => true);

describe("tdauth serve", () => {
  it("keeps serving after a login, and stops on SIGTERM with exit 0 and its port closed", async () => {
    const { child, origin, credentials } = await startServe();
    expect(await loginThrough(origin)).toBe(200);
    const first = JSON.parse(readFileSync(credentials, "utf8")).access_token;
    expect((await fetch(`${origin}/`)).status).toBe(200);
    expect(await loginThrough(origin)).toBe(200);
    expect(JSON.parse(readFileSync(credentials, "utf8")).access_token).not.toBe(first);
    child.process.kill("SIGTERM");
    const result = await child.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.match(/^Logged in; tokens saved to .*\.$/gm)).toHaveLength(2);
    expect(result.stderr).toContain("Stopped (SIGTERM).");
    expect(await refused(origin)).toBe(true);
  });

  it("stops on Ctrl-C (SIGINT) with exit 0", async () => {
    const { child, origin } = await startServe();
    child.process.kill("SIGINT");
    const result = await child.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("Stopped (SIGINT).");
    expect(await refused(origin)).toBe(true);
  });

  it("stops when the status page's Shut down is posted, with exit 0", async () => {
    const { child, origin } = await startServe();
    const page = await (await fetch(`${origin}/`)).text();
    const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
    expect((await fetch(`${origin}/shutdown`, { method: "POST", body: new URLSearchParams({ token }) })).status).toBe(200);
    const result = await child.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("Stopped (the status page's Shut down).");
  });

  it("stops by itself after --timeout with exit 0", async () => {
    const { child, origin } = await startServe(["--timeout", "1"]);
    expect(child.stderr).toContain("stops by itself after 1 s");
    const result = await child.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("Stopped (--timeout).");
    expect(await refused(origin)).toBe(true);
  });

  it("with --close-after stops after the first login with exit 0, and exits 1 when stopped before one", async () => {
    const once = await startServe(["--close-after"]);
    expect(await loginThrough(once.origin)).toBe(200);
    const result = await once.child.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Logged in; tokens saved to .*\.$/m);
    const cancelled = await startServe(["--close-after"]);
    cancelled.child.process.kill("SIGTERM");
    const stopped = await cancelled.child.done;
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain("error: stopped by SIGTERM before a login completed");
  });

  it("says so in --help", async () => {
    const result = await runTdauth(["serve", "--help"], cleanEnv({}));
    expect(result.stdout).toContain("until Ctrl-C\nor SIGTERM");
    expect(result.stdout).toMatch(/--timeout S +stop after S seconds/);
  });
});

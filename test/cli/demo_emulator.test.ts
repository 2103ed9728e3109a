// `npm run demo` and `tdauth emulator` as a newcomer meets them: the whole tour offline, the
// emulator serving on 127.0.0.1 until SIGTERM, and what it prints for a person.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, ROOT, runTdauth, tdauth } from "./_run.ts";

let home: string;
let env: Record<string, string>;
const ESC = "\x1b";

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "tdauth-demo-"));
  env = cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator" });
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

describe("npm run demo", () => {
  it("runs the whole tour offline and exits 0 without printing a token", async () => {
    const { spawnSync } = await import("node:child_process");
    const result = spawnSync("npm", ["run", "--silent", "demo"], {
      cwd: ROOT,
      env: cleanEnv({ TDAUTH_HOME: join(home, "never-used") }),
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    for (
      const title of [
        "1. Start the emulator",
        "2. Log in",
        "3. Status",
        "4. Forced refresh",
        "5. Quotes",
        "6. Accounts",
        "7. Log out",
        "Done.",
      ]
    ) {
      expect(result.stdout).toContain(title);
    }
    expect(result.stdout).toMatch(/AAPL +last +\d/);
    // Only redacted forms: no long token-shaped strings.
    expect(result.stdout).not.toMatch(/[IC]0\.[A-Za-z0-9._-]{12,}/);
    expect(result.stdout).not.toContain(ESC);
  });
});

describe("tdauth emulator", () => {
  it("serves on 127.0.0.1, reports itself as one JSON line, and stops on SIGTERM with exit 0", async () => {
    const child = tdauth(["emulator", "--port", "0", "--auto-approve", "--json"], env);
    const deadline = Date.now() + 20_000;
    while (!child.stdout.includes("\n") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const info = JSON.parse(child.stdout.split("\n")[0]!);
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.autoApprove).toBe(true);
    expect(info.apps.map((a: { flavour: string }) => a.flavour)).toEqual(["schwab", "td"]);
    // The emulator's secrets are its own, public ones: printed so that any client can use them.
    expect(info.apps[0]).toMatchObject({ clientId: "TdauthEmulatorSchwabAppKey000001", clientSecret: "EmulatorSecret01" });
    expect(info.apps[1]).toMatchObject({ clientId: "TDAUTHEMULATOR", clientSecret: null });
    // The CLI itself can log in to it without a browser.
    const login = await runTdauth(["login", "--flow", "auto", "--emulator-url", info.url, "--credentials", join(home, "other.json")], env);
    expect(login.code, login.stderr).toBe(0);
    child.process.kill("SIGTERM");
    expect((await child.done).code).toBe(0);
  });
});

describe("tdauth emulator, as a person reads it", () => {
  it("prints each app's id, secret and redirect URIs, and accepts every --redirect-uri for both apps", async () => {
    const extra = ["http://127.0.0.1:8787/callback", "http://127.0.0.1:9999/cb"];
    const child = tdauth(["emulator", "--port", "0", "--auto-approve", "--redirect-uri", extra[0]!, "--redirect-uri", extra[1]!], env);
    try {
      const deadline = Date.now() + 20_000;
      while (!/Log in to it with/.test(child.stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(child.stdout).toMatch(/^Schwab app: client id TdauthEmulatorSchwabAppKey000001, secret EmulatorSecret01$/m);
      expect(child.stdout).toMatch(/^TD Ameritrade app: client id TDAUTHEMULATOR, no secret \(a public client\)$/m);
      expect(child.stdout.match(/^ {2}redirect URIs: .*http:\/\/127\.0\.0\.1:8787\/callback, http:\/\/127\.0\.0\.1:9999\/cb$/gm))
        .toHaveLength(2);
      const url = /^Emulator listening on (http:\/\/127\.0\.0\.1:\d+)/m.exec(child.stdout)![1]!;
      for (const redirectURI of extra) {
        const authorize = new URL("/v1/oauth/authorize", url);
        authorize.search = new URLSearchParams({
          response_type: "code",
          client_id: "TdauthEmulatorSchwabAppKey000001",
          redirect_uri: redirectURI,
        })
          .toString();
        const response = await fetch(authorize, { redirect: "manual" });
        await response.body?.cancel();
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toMatch(new RegExp(`^${redirectURI}\\?code=`));
      }
    } finally {
      child.process.kill("SIGTERM");
      await child.done;
    }
  });

  it("refuses a --redirect-uri that is not an absolute URL (exit 2)", async () => {
    const result = await runTdauth(["emulator", "--port", "0", "--redirect-uri", "/callback"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --redirect-uri must be an absolute URL without #fragment, not "\/callback"\n/);
  });
});

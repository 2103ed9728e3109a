// The Worker's cron on a TD session, in-process with a Map as Workers KV: it refreshes an access
// token about to die, renews a TD refresh token before its 90 days end, and leaves a fresh
// session alone (no token request); without its secret binding fetch fails closed, naming it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorker } from "../../../adapters/worker/mod.ts";
import { KvStore } from "../../../adapters/kv/store.ts";
import { tdAmeritrade } from "../../../core/providers/td_ameritrade.ts";
import { AuthSession } from "../../../core/session.ts";
import type { StoredTokens } from "../../../core/types.ts";
import { DEFAULT_TD_APP, startEmulator } from "../../../emulator/mod.ts";
import { emulatorLogin } from "../../helpers/login.ts";

const DAY = 86_400_000;
type Running = Awaited<ReturnType<typeof startEmulator>>;
let emu: Running;

/** What a Workers KV binding offers, over a Map. */
function memoryKV() {
  const map = new Map<string, string>();
  return {
    map,
    get(key: string) {
      return Promise.resolve(map.get(key) ?? null);
    },
    put(key: string, value: string) {
      map.set(key, value);
      return Promise.resolve();
    },
    delete(key: string) {
      map.delete(key);
      return Promise.resolve();
    },
  };
}

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
});
afterAll(async () => {
  await emu.close();
});

async function loggedIn(): Promise<{ env: Record<string, unknown>; kv: ReturnType<typeof memoryKV>; tokens: StoredTokens }> {
  const kv = memoryKV();
  const provider = tdAmeritrade({ clientId: DEFAULT_TD_APP.clientId, redirectURI: DEFAULT_TD_APP.redirectURIs[0]!, baseURL: emu.url });
  const session = new AuthSession({ provider, store: new KvStore(kv) });
  await emulatorLogin(session);
  const env = { TOKENS: kv, ADMIN_SECRET: "admin", TDAUTH_KEY: btoa("k".repeat(32)), provider };
  return { env, kv, tokens: JSON.parse(kv.map.get("tdauth:tokens")!) as StoredTokens };
}

const worker = createWorker({ provider: (env) => env.provider as ReturnType<typeof tdAmeritrade> });

describe("createWorker().scheduled on a TD session", () => {
  it("does nothing while the tokens are fresh", async () => {
    const { env, kv, tokens } = await loggedIn();
    const before = emu.emulator.stats().tokenRequests;
    await worker.scheduled({}, env);
    expect(emu.emulator.stats().tokenRequests).toBe(before);
    expect(JSON.parse(kv.map.get("tdauth:tokens")!).accessToken).toBe(tokens.accessToken);
  });

  it("refreshes an access token within the 10-minute window", async () => {
    const { env, kv, tokens } = await loggedIn();
    // Issued 25 minutes ago, so the core sees a 30-minute token with 5 minutes left.
    kv.map.set(
      "tdauth:tokens",
      JSON.stringify({ ...tokens, accessExpiresAt: Date.now() + 5 * 60_000, accessIssuedAt: Date.now() - 25 * 60_000 }),
    );
    await worker.scheduled({}, env);
    const after = JSON.parse(kv.map.get("tdauth:tokens")!) as StoredTokens;
    expect(after.accessToken).not.toBe(tokens.accessToken);
    expect(after.accessExpiresAt).toBeGreaterThan(Date.now() + 25 * 60_000);
  });

  it("renews a TD refresh token days before its 90 days end", async () => {
    const { env, kv, tokens } = await loggedIn();
    kv.map.set("tdauth:tokens", JSON.stringify({ ...tokens, refreshExpiresAt: Date.now() + 3 * DAY }));
    const issued = emu.emulator.stats().refreshTokensIssued;
    await worker.scheduled({}, env);
    const after = JSON.parse(kv.map.get("tdauth:tokens")!) as StoredTokens;
    expect(emu.emulator.stats().refreshTokensIssued).toBe(issued + 1);
    expect(after.refreshToken).not.toBe(tokens.refreshToken);
    expect(after.refreshExpiresAt).toBeGreaterThan(Date.now() + 80 * DAY);
  });

  it("still refreshes, and reports authenticated, while a login started in the same isolate is pending", async () => {
    const { env, kv, tokens } = await loggedIn();
    const login = await worker.fetch(
      new Request("https://w.example/login", { method: "POST", body: new URLSearchParams({ secret: "admin" }) }),
      env,
    );
    expect(login.status).toBe(303); // abandoned: the admin never comes back from the provider
    const status = await (await worker.fetch(new Request("https://w.example/", { headers: { authorization: "Bearer admin" } }), env))
      .json();
    expect(status.state).toBe("authenticated");
    kv.map.set(
      "tdauth:tokens",
      JSON.stringify({ ...tokens, accessExpiresAt: Date.now() + 5 * 60_000, accessIssuedAt: Date.now() - 25 * 60_000 }),
    );
    await worker.scheduled({}, env);
    expect((JSON.parse(kv.map.get("tdauth:tokens")!) as StoredTokens).accessToken).not.toBe(tokens.accessToken);
  });

  it("leaves a logged-out Worker alone", async () => {
    const env = {
      TOKENS: memoryKV(),
      ADMIN_SECRET: "admin",
      TDAUTH_KEY: btoa("k".repeat(32)),
      provider: tdAmeritrade({ clientId: "X", redirectURI: "https://w.example/cb", baseURL: emu.url }),
    };
    const before = emu.emulator.stats().tokenRequests;
    await expect(worker.scheduled({}, env)).resolves.toBeUndefined();
    expect(emu.emulator.stats().tokenRequests).toBe(before);
  });
});

describe("createWorker().fetch without its bindings", () => {
  it("fails closed with the 500 not-configured page naming the missing binding, and logs it", async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => void errors.push(line);
    try {
      const provider = tdAmeritrade({ clientId: "X", redirectURI: "https://w.example/cb", baseURL: emu.url });
      const env = { TOKENS: memoryKV(), TDAUTH_KEY: btoa("k".repeat(32)), provider };
      const response = await worker.fetch(new Request("https://w.example/token", { headers: { authorization: "Bearer anything" } }), env);
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(body).toContain("The login Worker is not configured");
      expect(body).toContain("The Worker has no secret binding &#34;ADMIN_SECRET&#34;");
      expect(errors.join("\n")).toMatch(/ADMIN_SECRET/);
    } finally {
      console.error = original;
    }
  });
});

// Every token request is bounded: in time (a hung endpoint ends the refresh after
// requestTimeoutMs per attempt and retry.budgetMs in all, and frees the lock), in where it goes
// (a redirect is refused, never followed with the credentials), and in what it reads (1 MiB).
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/mod.ts";
import { FileStore } from "../../adapters/file/store.ts";
import { TokenRequestError, TokenResponseError } from "../../core/errors.ts";
import { MemoryStore } from "../../core/memory_store.ts";
import { schwab } from "../../core/providers/schwab.ts";
import { AuthSession, type AuthSessionOptions } from "../../core/session.ts";
import { requestToken } from "../../core/token_request.ts";
import { emulatorLogin, emulatorSchwab } from "../helpers/login.ts";
import { runWorker } from "./_processes.ts";

type Running = Awaited<ReturnType<typeof startEmulator>>;
let emu: Running;
let dir: string;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
  dir = mkdtempSync(join(tmpdir(), "tdauth-bounded-"));
});
afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => emu.emulator.reset());

function session(options: Partial<AuthSessionOptions> = {}): AuthSession {
  return new AuthSession({ provider: emulatorSchwab(emu.url), sleep: () => Promise.resolve(), ...options });
}

describe("a hung token endpoint", () => {
  it("ends the refresh after requestTimeoutMs per attempt, and frees the lock for another process at once", async () => {
    const path = join(dir, "hung", "td_state.json");
    const store = new FileStore(path, { onWarning() {} });
    const s = session({ store, requestTimeoutMs: 200, retry: { attempts: 2 } });
    await emulatorLogin(s);
    const before = await store.load();
    emu.emulator.injectFault({ target: "token", kind: "hang", count: null });
    const started = performance.now();
    const error = await s.refresh({ force: true }).catch((e: unknown) => e);
    const took = performance.now() - started;
    expect(error).toBeInstanceOf(TokenRequestError);
    expect((error as Error).message).toMatch(
      /no answer within 200 ms at http:\/\/127\.0\.0\.1:\d+\/v1\/oauth\/token \(tries: 2\).*unchanged/,
    );
    // Two attempts of 200 ms (the backoff is not waited here), with a wide margin for a loaded machine.
    expect(took).toBeLessThan(10_000);
    expect(await store.load()).toEqual(before);
    // The server saw each attempt go away: nothing is left hanging.
    await expect.poll(() => emu.emulator.stats().hangingRequests, { timeout: 5_000 }).toBe(0);
    // Another process takes the lock of the file without waiting for a lease to run out.
    const other = await runWorker({ WORKER_MODE: "lock", WORKER_PATH: path, WORKER_EMULATOR: emu.url, WORKER_LOCK_TIMEOUT_MS: "1000" });
    expect(other.error).toBeUndefined();
    expect(other.waitedMs).toBeLessThan(500);
  }, 30_000);

  it("never outlives retry.budgetMs, attempts and backoff together", async () => {
    // The injected clock moves with the backoff sleeps, so the budget is spent without real waiting.
    const clock = { now: Date.now() };
    const s = session({
      now: () => clock.now,
      sleep: (ms) => Promise.resolve(void (clock.now += ms)),
      requestTimeoutMs: 100,
      retry: { attempts: 50, baseDelayMs: 1_000, maxDelayMs: 1_000, budgetMs: 4_000 },
      random: (bytes) => bytes.fill(255),
    });
    await emulatorLogin(s);
    emu.emulator.injectFault({ target: "token", kind: "status", status: 503, count: null });
    const before = emu.emulator.stats().tokenRequests;
    const started = clock.now;
    await expect(s.refresh({ force: true })).rejects.toThrow(/HTTP 503/);
    // Backoffs of just under 1 s: attempts start at about 0, 1, 2, 3 and 4 s, the last with what is
    // left of the budget; not fifty.
    expect(emu.emulator.stats().tokenRequests - before).toBe(5);
    expect(clock.now - started).toBeLessThan(4_000);
  });

  it("stops a caller's wait when its signal aborts, while the refresh ends by itself", async () => {
    const s = session({ requestTimeoutMs: 300, retry: { attempts: 1 } });
    await emulatorLogin(s);
    emu.emulator.injectFault({ target: "token", kind: "hang", count: 1 });
    const started = performance.now();
    await expect(s.refresh({ force: true, signal: AbortSignal.timeout(50) })).rejects.toThrow(/timeout|abort/i);
    expect(performance.now() - started).toBeLessThan(280);
    // The shared refresh was bounded by requestTimeoutMs: the next caller gets a fresh one.
    await expect.poll(() => emu.emulator.stats().hangingRequests, { timeout: 3_000 }).toBe(0);
    await expect(s.refresh({ force: true })).resolves.toMatchObject({ state: "authenticated" });
  });

  it("an already aborted signal rejects at once, without a token request", async () => {
    const s = session();
    await emulatorLogin(s);
    const before = emu.emulator.stats().tokenRequests;
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(s.refresh({ force: true, signal: controller.signal })).rejects.toThrow("stop");
    expect(emu.emulator.stats().tokenRequests).toBe(before);
  });
});

describe("a token endpoint that redirects", () => {
  let other: Server;
  let seen: string[];
  let otherURL: string;
  beforeAll(async () => {
    seen = [];
    other = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        seen.push(`${req.method} ${body}`);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ access_token: "STOLEN", token_type: "Bearer", expires_in: 1800 }));
      });
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    otherURL = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));

  it.each([307, 308, 302])("is refused on a %i, naming the other origin; the refresh token never goes there", async (status) => {
    const store = new MemoryStore();
    const s = session({ store });
    await emulatorLogin(s);
    const before = JSON.stringify(await store.load());
    emu.emulator.injectFault({ target: "token", kind: "redirect", status, location: `${otherURL}/v1/oauth/token` });
    const error = await s.refresh({ force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenResponseError);
    expect((error as Error).message).toContain(`a redirect to ${otherURL}/v1/oauth/token (HTTP ${status}) instead of a token response`);
    expect(seen).toEqual([]);
    expect(JSON.stringify(await store.load())).toBe(before);
  });
});

describe("a huge token reply", () => {
  it("is refused as a TokenResponseError, and the stored tokens stay", async () => {
    const store = new MemoryStore();
    const s = session({ store });
    await emulatorLogin(s);
    const before = JSON.stringify(await store.load());
    emu.emulator.injectFault({ target: "token", kind: "huge", sizeBytes: 64 * 1_048_576 });
    const error = await s.refresh({ force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenResponseError);
    expect((error as Error).message).toMatch(/a body over 1 MiB/);
    expect(JSON.stringify(await store.load())).toBe(before);
  });

  it("is read no further than 1 MiB (requestToken alone, over a body that would never end)", async () => {
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 65_536;
        controller.enqueue(new Uint8Array(65_536).fill(0x20));
      },
    });
    const provider = schwab({ clientId: "K".repeat(32), clientSecret: "S".repeat(16), redirectURI: "https://127.0.0.1:8182" });
    const fetchEndless = (() => Promise.resolve(new Response(endless, { status: 200 }))) as typeof fetch;
    await expect(
      requestToken({ grantType: "refresh_token", refreshToken: "R" }, {
        provider,
        fetch: fetchEndless,
        now: Date.now,
        random: Math.random,
        sleep: () => Promise.resolve(),
      }),
    ).rejects.toThrow(/a body over 1 MiB/);
    // One chunk past the limit, and the stream was cancelled (no further pulls).
    expect(sent).toBeLessThanOrEqual(1_048_576 + 2 * 65_536);
  });
});

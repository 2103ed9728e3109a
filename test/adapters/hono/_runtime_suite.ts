// One portable suite for the callback server, run natively on Node (vitest), Deno (Deno.test) and
// Bun (bun:test): run() serves on each runtime's own server, a login through /login → emulator →
// callback lands tokens in the store and closes the server, over http and over https with the
// generated certificate; Host checks, POST-only routes, timeout and abort. The browser half of
// these logins is in login.test.ts (Chromium drives servers started on all three runtimes).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStore } from "../../../adapters/file/store.ts";
import { AuthorizationError } from "../../../core/errors.ts";
import { MemoryStore } from "../../../core/memory_store.ts";
import { schwab } from "../../../core/providers/schwab.ts";
import { tdAmeritrade } from "../../../core/providers/td_ameritrade.ts";
import { AuthSession } from "../../../core/session.ts";
import { createEmulator } from "../../../emulator/mod.ts";
import { createAuthApp } from "../../../adapters/hono/app.ts";
import { listen } from "../../../adapters/hono/_listen.ts";
import { run } from "../../../adapters/hono/run.ts";
import { CallbackPortError } from "../../../adapters/hono/port_error.ts";
import { freePort } from "../../helpers/port.ts";

/** A named test case; each runtime's file registers them with its own runner. */
export interface Case {
  name: string;
  fn: () => Promise<void>;
}

type Reply = { status: number; location: string | null; text: string };
type Get = (url: string) => Promise<Reply>;

const runtime = (globalThis as { Deno?: unknown }).Deno ? "deno" : (globalThis as { Bun?: unknown }).Bun ? "bun" : "node";

async function plainGet(url: string): Promise<Reply> {
  const response = await fetch(url, { redirect: "manual" });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

/** A GET that trusts exactly `ca`, the way each runtime does it (undici Agent, Deno.createHttpClient, Bun's tls option). */
async function trustingGet(ca: string): Promise<Get> {
  if (runtime === "deno") {
    const Deno = (globalThis as unknown as { Deno: { createHttpClient(o: { caCerts: string[] }): { close(): void } } }).Deno;
    const client = Deno.createHttpClient({ caCerts: [ca] });
    return async (url) => {
      const response = await fetch(url, { redirect: "manual", ...(url.startsWith("https:") ? { client } : {}) } as RequestInit);
      return { status: response.status, location: response.headers.get("location"), text: await response.text() };
    };
  }
  if (runtime === "bun") {
    return async (url) => {
      const response = await fetch(url, { redirect: "manual", tls: { ca } } as RequestInit);
      return { status: response.status, location: response.headers.get("location"), text: await response.text() };
    };
  }
  const https = await import("node:https");
  return (url) => {
    if (!url.startsWith("https:")) return plainGet(url);
    return new Promise((resolve, reject) => {
      https.get(url, { ca, agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: (res.headers.location as string | undefined) ?? null, text }));
      }).on("error", reject);
    });
  };
}

/** One raw HTTP/1.1 request, so the Host header can be anything a browser could be made to send. */
async function raw(port: number, method: string, path: string, host: string, body = ""): Promise<{ status: number; text: string }> {
  return await new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      const type = body ? "content-type: application/x-www-form-urlencoded\r\n" : "";
      socket.write(
        `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n${type}content-length: ${
          new TextEncoder().encode(body).length
        }\r\nconnection: close\r\n\r\n${body}`,
      );
    });
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => (text += d));
    socket.on("end", () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
    socket.on("error", reject);
  });
}

async function refused(url: string): Promise<boolean> {
  return await fetch(url).then(async (r) => (await r.body?.cancel(), false), () => true);
}

/** The emulator served by the runtime under test, with one app registered for `redirectURI`. */
async function emulatorFor(flavour: "td" | "schwab", redirectURI: string) {
  const emulator = createEmulator({ autoApprove: true });
  const server = await listen({ fetch: emulator.fetch, hostname: "127.0.0.1", port: 0 });
  const port = new URL(redirectURI).port;
  const clientId = flavour === "td" ? `TDRUNTIME${port}` : `RuntimeSuiteApp${port}`.padEnd(32, "0");
  emulator.registerApp({ flavour, clientId, clientSecret: "RuntimeSecret123", redirectURIs: [redirectURI] });
  const baseURL = `http://127.0.0.1:${server.port}`;
  const provider = flavour === "td"
    ? tdAmeritrade({ clientId, redirectURI, baseURL })
    : schwab({ clientId, clientSecret: "RuntimeSecret123", redirectURI, baseURL });
  return { emulator, provider, close: () => server.close() };
}

/** What a browser does: /login → provider (auto-approves) → callback. Returns the success page. */
async function loginThrough(origin: string, get: Get): Promise<Reply> {
  const login = await get(`${origin}/login`);
  assert.equal(login.status, 302, `GET /login answered ${login.status}`);
  const authorize = await get(login.location!);
  assert.equal(authorize.status, 302, `the emulator answered ${authorize.status}: ${authorize.text.slice(0, 200)}`);
  return await get(authorize.location!);
}

async function loginCase(scheme: "http" | "https"): Promise<void> {
  const port = await freePort();
  const redirectURI = `${scheme}://127.0.0.1:${port}/callback`;
  const emu = await emulatorFor(scheme === "https" ? "schwab" : "td", redirectURI);
  const dir = mkdtempSync(join(tmpdir(), `tdauth-${runtime}-hono-`));
  try {
    // Over https the credentials are a file: the generated certificate must be kept beside it.
    const store = scheme === "https" ? new FileStore(join(dir, "td_state.json"), { onWarning: () => {} }) : new MemoryStore();
    const session = new AuthSession({ provider: emu.provider, store });
    let page: Promise<Reply> | undefined;
    const result = await run(createAuthApp({ session }), {
      closeAfter: true,
      onListen: (origin) => {
        page = (async () => {
          const get = scheme === "https" ? await trustingGet(readFileSync(join(dir, "loopback-cert.pem"), "utf8")) : plainGet;
          return await loginThrough(origin, get);
        })();
      },
    });
    const success = await page!;
    assert.equal(success.status, 200, success.text.slice(0, 300));
    assert.match(success.text, /Logged in to/);
    if (scheme === "https") assert.match(success.text, /self-signed certificate/);
    assert.equal(result.status.state, "authenticated");
    const tokens = await store.load();
    assert.ok(tokens?.accessToken, "tokens were stored");
    assert.equal(result.tokens?.accessToken, tokens.accessToken);
    assert.ok(!success.text.includes(tokens.accessToken), "the page shows no token");
    assert.equal(emu.emulator.stats().authorizationCodeGrants, 1);
    assert.ok(await refused(`http://127.0.0.1:${port}/`), "the server closed");
    if (scheme === "https") {
      assert.equal(statSync(join(dir, "loopback-key.pem")).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, "loopback-cert.pem")).mode & 0o777, 0o600);
    }
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `fn` with an emulator whose TD app calls back to a free port on 127.0.0.1, closed after. */
async function withTDEmulator(fn: (emu: Awaited<ReturnType<typeof emulatorFor>>, port: number) => Promise<void>): Promise<void> {
  const port = await freePort();
  const emu = await emulatorFor("td", `http://127.0.0.1:${port}/callback`);
  try {
    await fn(emu, port);
  } finally {
    await emu.close();
  }
}

function forgedCallbackCase(): Promise<void> {
  return withTDEmulator(async (emu) => {
    const store = new MemoryStore();
    const session = new AuthSession({ provider: emu.provider, store });
    let page: Promise<Reply> | undefined;
    const result = await run(createAuthApp({ session }), {
      closeAfter: true,
      onListen: (origin) => {
        page = (async () => {
          const { url } = await session.authorize();
          // What a hostile page could make the browser fetch while the user is logging in.
          for (const query of ["code=C0.forged&state=wrong", "code=C0.forged", "error=access_denied&state=wrong"]) {
            const forged = await plainGet(`${origin}/callback?${query}`);
            assert.equal(forged.status, 400, query);
            assert.match(forged.text, /does not belong to the login in progress/);
          }
          assert.equal(session.state, "authorizing", "the real login is still pending");
          assert.equal(emu.emulator.stats().tokenRequests, 0, "no token request was made");
          const approved = await plainGet(url);
          return await plainGet(approved.location!);
        })();
      },
    });
    assert.equal((await page!).status, 200);
    assert.equal(result.status.state, "authenticated");
    assert.equal(emu.emulator.stats().authorizationCodeGrants, 1);
    assert.ok((await store.load())?.accessToken);
  });
}

function securityCase(): Promise<void> {
  return withTDEmulator(async (emu, port) => {
    const app = createAuthApp({ session: new AuthSession({ provider: emu.provider }) });
    let listening!: () => void;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    const finished = run(app, { timeoutMs: 0, onListen: () => listening() }).then(() => undefined, (e: unknown) => e);
    await ready;
    const host = `127.0.0.1:${port}`;
    assert.equal((await raw(port, "GET", "/", host)).status, 200);
    assert.equal((await raw(port, "GET", "/", `localhost:${port}`)).status, 200);
    for (const bad of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, "127.0.0.1", `10.0.0.1:${port}`]) {
      assert.equal((await raw(port, "GET", "/", bad)).status, 421, `Host ${bad}`);
    }
    assert.equal((await raw(port, "GET", "/shutdown", host)).status, 405);
    assert.equal((await raw(port, "GET", "/login/refresh", host)).status, 405);
    assert.equal((await raw(port, "POST", "/shutdown", host)).status, 403);
    assert.equal((await raw(port, "POST", "/shutdown", host, "token=guess")).status, 403);
    assert.equal((await raw(port, "POST", "/login/refresh", host, "token=guess")).status, 403);
    // A token sent to the wrong Host is still refused: the Host check comes first.
    assert.equal((await raw(port, "POST", "/shutdown", `evil.example:${port}`, `token=${app.tdauth.runToken}`)).status, 421);
    assert.ok(await refused(`http://127.0.0.2:${port}/`), "127.0.0.2 (loopback, but not ours) is refused: bound to 127.0.0.1 only");
    const bye = await raw(port, "POST", "/shutdown", host, `token=${app.tdauth.runToken}`);
    assert.equal(bye.status, 200);
    const error = await finished;
    assert.ok(error instanceof AuthorizationError, `run() rejected with ${String(error)}`);
    assert.match((error as Error).message, /shut down before a login completed/);
    assert.ok(await refused(`http://${host}/`), "the server closed");
  });
}

function timeoutCase(): Promise<void> {
  return withTDEmulator(async (emu, port) => {
    const app = createAuthApp({ session: new AuthSession({ provider: emu.provider }) });
    const error = await run(app, { timeoutMs: 150 }).catch((e: unknown) => e);
    assert.ok(error instanceof AuthorizationError);
    assert.match((error as Error).message, /No login completed within/);
    assert.ok(await refused(`http://127.0.0.1:${port}/`));
    const controller = new AbortController();
    const aborted = run(createAuthApp({ session: new AuthSession({ provider: emu.provider }) }), {
      timeoutMs: 0,
      signal: controller.signal,
      onListen: () => controller.abort(new Error("stopped by the caller")),
    }).catch((e: unknown) => e);
    assert.match(String(await aborted), /stopped by the caller/);
    assert.ok(await refused(`http://127.0.0.1:${port}/`));
  });
}

function portInUseCase(): Promise<void> {
  return withTDEmulator(async (emu, port) => {
    const holder = await listen({ fetch: () => new Response("someone else"), hostname: "127.0.0.1", port });
    try {
      const session = new AuthSession({ provider: emu.provider });
      const error = await run(createAuthApp({ session }), { timeoutMs: 5_000 }).catch((e: unknown) => e);
      assert.ok(error instanceof CallbackPortError, `run() rejected with ${String(error)}`);
      assert.equal(error.problem, "in_use");
      assert.equal(error.port, port);
      assert.match(error.message, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is in use by another program`));
      assert.equal(session.state, "unauthenticated", "no login was started");
      assert.equal(emu.emulator.stats().tokenRequests, 0);
    } finally {
      await holder.close();
    }
  });
}

/** Every case, for the runtime's own test runner. */
export const cases: Case[] = [
  { name: `${runtime}: run() over http — /login → provider → callback, tokens stored, server closed`, fn: () => loginCase("http") },
  {
    name: `${runtime}: run() over https with a generated 127.0.0.1 certificate kept 0600 beside the credentials file (Schwab)`,
    fn: () => loginCase("https"),
  },
  {
    name: `${runtime}: forged callbacks (wrong or no state) are refused without a token request and the real login still completes`,
    fn: forgedCallbackCase,
  },
  { name: `${runtime}: wrong Host → 421, GET /shutdown → 405, POST without the token → 403, 127.0.0.1 only`, fn: securityCase },
  { name: `${runtime}: a login nobody completes times out, and an abort stops the server`, fn: timeoutCase },
  { name: `${runtime}: a callback port held by another server rejects with a CallbackPortError naming the port`, fn: portInUseCase },
];

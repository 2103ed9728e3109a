// Secrets stay out of objects: what util.inspect, console.log, Deno.inspect, Bun.inspect,
// JSON.stringify and String show of a session, a provider, a TDClient and an error holds no
// secret or token. One portable suite, run natively on Node (vitest), Deno (Deno.test) and Bun
// (bun:test); the session talks to the real emulator in process (its fetch).
import assert from "node:assert/strict";
import { Console } from "node:console";
import { Writable } from "node:stream";
import { inspect } from "node:util";
import { createEmulator, DEFAULT_SCHWAB_APP } from "../../emulator/mod.ts";
import { MemoryStore } from "../../core/memory_store.ts";
import { schwab } from "../../core/providers/schwab.ts";
import { AuthSession } from "../../core/session.ts";
import { TDClient } from "../../core/td_client.ts";

/** A named test case; each runtime's file registers them with its own runner. */
export interface Case {
  name: string;
  fn: () => Promise<void>;
}

const runtime = (globalThis as { Deno?: unknown }).Deno ? "Deno" : (globalThis as { Bun?: unknown }).Bun ? "Bun" : "Node";

/** Every way a program may print a value on this runtime. */
function printed(value: unknown): string {
  let logged = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged += String(chunk);
      done();
    },
  });
  new Console({ stdout: sink, stderr: sink }).log(value);
  const deno = (globalThis as { Deno?: { inspect(v: unknown, o: object): string } }).Deno;
  const bun = (globalThis as { Bun?: { inspect(v: unknown, o: object): string } }).Bun;
  let json: string;
  try {
    json = JSON.stringify(value) ?? "";
  } catch (error) {
    json = String(error);
  }
  return [
    inspect(value, { depth: Infinity, getters: true }),
    logged,
    deno?.inspect(value, { depth: Infinity, getters: true }) ?? "",
    bun?.inspect(value, { depth: Infinity }) ?? "",
    json,
    String(value),
  ].join("\n");
}

export const cases: Case[] = [
  {
    name: `no secret or token in a printed session, provider, TDClient or error on ${runtime}`,
    fn: async () => {
      const emulator = createEmulator({ autoApprove: true });
      const app = { ...DEFAULT_SCHWAB_APP, clientId: "InspectSuiteAppKey00000000000001", clientSecret: "InspectSecret001" };
      emulator.registerApp(app);
      const provider = schwab({
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        redirectURI: app.redirectURIs[0]!,
        baseURL: "http://127.0.0.1:1",
      });
      const store = new MemoryStore();
      const fetch = ((input: RequestInfo | URL, init?: RequestInit) => emulator.fetch(new Request(input, init))) as typeof globalThis.fetch;
      const session = new AuthSession({ provider, store, fetch });
      // A login through the emulator's own authorize endpoint, in process.
      const { url } = await session.authorize();
      const approved = await emulator.fetch(new Request(url));
      await session.complete(approved.headers.get("location")!);
      await session.accessToken();
      // A pending login holds a PKCE verifier too.
      await session.authorize();
      const tokens = (await store.load())!;
      const client = new TDClient({ provider, store, fetch });
      await client.session();
      // An error from a server that echoes the secret back.
      const echo = (() =>
        Promise.resolve(
          new Response(JSON.stringify({ error: "invalid_client", error_description: `bad secret ${app.clientSecret}` }), { status: 401 }),
        )) as unknown as typeof globalThis.fetch;
      const error = await new AuthSession({ provider, store, fetch: echo }).refresh({ force: true }).catch((e: unknown) => e);
      assert.ok(error instanceof Error);

      const secrets = [app.clientSecret, btoa(`${app.clientId}:${app.clientSecret}`), tokens.accessToken, tokens.refreshToken!];
      for (const [what, value] of [["session", session], ["provider", provider], ["TDClient", client], ["error", error]] as const) {
        const text = printed(value);
        assert.ok(text.length > 20, `${what} printed as something`);
        for (const secret of secrets) assert.ok(!text.includes(secret), `${what} shows a secret: ${text.slice(0, 500)}`);
      }
      // The secrets are still there for the code that needs them.
      assert.ok(provider.secrets().includes(app.clientSecret));
    },
  },
];

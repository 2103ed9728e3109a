// tdauth/worker in real workerd with bindings that are there but wrong (a key that is not 32
// bytes, a plain variable where a KV namespace belongs, a number for a secret, a provider that
// cannot be made): each request gets the 500 "not configured" page naming the binding, never an
// uncaught exception, and never the binding's value.
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestWorker } from "./_workerd.ts";

const ADMIN = "admin-secret-for-tests-only";
const SHORT_KEY = "c2hvcnQta2V5LXZhbHVl"; // base64 of 15 bytes
let mf: Miniflare;
let origin: string;

beforeAll(async () => {
  ({ mf, origin } = await startTestWorker("./bad_bindings_entry.ts", {
    ADMIN_SECRET: ADMIN,
    SHORT_KEY,
    PLAIN_TEXT: "tokens",
    NUMBER: 42,
    APP_KEY: "WorkerTestAppKey0000000000000001",
    APP_SECRET: "S",
  }));
}, 60_000);
afterAll(async () => await mf?.dispose());

async function expectNotConfigured(response: Response, binding: RegExp): Promise<string> {
  const body = await response.text();
  expect(response.status, body).toBe(500);
  expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  expect(body).toContain("The login Worker is not configured");
  expect(body).toMatch(binding);
  expect(body).not.toContain(SHORT_KEY);
  expect(body).not.toContain(ADMIN);
  return body;
}

const loginForm = (): RequestInit => ({ method: "POST", body: new URLSearchParams({ secret: ADMIN }), redirect: "manual" });

describe("tdauth/worker with malformed bindings", () => {
  it("a cookie key (keyBinding, TDAUTH_KEY by default) that is not 32 bytes: starting a login and a callback give the page naming it", async () => {
    const body = await expectNotConfigured(
      await fetch(`${origin}/login`, { ...loginForm(), headers: { "x-case": "bad-key" } }),
      /binding &#34;SHORT_KEY&#34; must be 32 bytes/,
    );
    expect(body).toContain("wrangler secret put SHORT_KEY");
    await expectNotConfigured(
      await fetch(`${origin}/callback?code=c&state=s`, { headers: { "x-case": "bad-key", cookie: "tdauth_login=x.y.z" } }),
      /SHORT_KEY/,
    );
  });

  it("a plain variable bound where the KV namespace belongs", async () => {
    await expectNotConfigured(
      await fetch(`${origin}/login`, { headers: { "x-case": "not-kv" } }),
      /binding &#34;PLAIN_TEXT&#34; is not a KV namespace/,
    );
  });

  it("a number bound as the admin secret", async () => {
    await expectNotConfigured(
      await fetch(`${origin}/token`, { headers: { "x-case": "not-a-secret", authorization: "Bearer 42" } }),
      /binding &#34;NUMBER&#34; is not a secret/,
    );
  });

  it("a provider whose settings are missing from the bindings", async () => {
    await expectNotConfigured(
      await fetch(`${origin}/login`, { headers: { "x-case": "bad-provider" } }),
      /The provider could not be made from the Worker&#39;s bindings: .*clientId/,
    );
  });
});

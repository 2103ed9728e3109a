// The example Worker as shipped: examples/worker/worker.ts bundled against this checkout's
// sources (for the published "tdauth" and "tdauth/worker"), with the bindings its wrangler.toml
// declares, boots in workerd and guards its routes.
import { readFileSync } from "node:fs";
import { build, type Plugin } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);
const toml = readFileSync(new URL("examples/worker/wrangler.toml", root), "utf8");
const ADMIN = "example-admin-secret";
let mf: Miniflare;

/** Resolves the package's own names to its sources, as the exports map's "workerd" condition would to dist. */
const self: Plugin = {
  name: "tdauth-self",
  setup(b) {
    b.onResolve({ filter: /^tdauth(\/worker)?$/ }, (args) => ({
      path: new URL(args.path === "tdauth" ? "core/mod.ts" : "adapters/worker/mod.ts", root).pathname,
    }));
  },
};

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [new URL("examples/worker/worker.ts", root).pathname],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["worker", "browser"],
    plugins: [self],
    write: false,
  });
  const redirectURI = /^REDIRECT_URI\s*=\s*"([^"]+)"/m.exec(toml)![1]!;
  mf = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0]!.text,
    kvNamespaces: [/binding\s*=\s*"([^"]+)"/.exec(toml)![1]!],
    bindings: {
      REDIRECT_URI: redirectURI,
      APP_KEY: "ExampleAppKey000000000000000001",
      APP_SECRET: "ExampleSecret",
      ADMIN_SECRET: ADMIN,
      TDAUTH_KEY: btoa("e".repeat(32)),
    },
    compatibilityDate: /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)![1]!,
    host: "127.0.0.1",
    port: 0,
  });
  await mf.ready;
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
});

describe("examples/worker", () => {
  it("declares the TOKENS namespace, a cron trigger, and the secrets to put", () => {
    expect(toml).toMatch(/binding\s*=\s*"TOKENS"/);
    expect(toml).toMatch(/crons\s*=\s*\[\s*"[^"]+"/);
    const readme = readFileSync(new URL("examples/worker/worker.ts", root), "utf8");
    for (const name of ["APP_KEY", "APP_SECRET", "ADMIN_SECRET", "TDAUTH_KEY"]) expect(readme).toContain(`wrangler secret put ${name}`);
  });

  it("boots in workerd: the login form is public, the admin routes want the secret", async () => {
    const form = await mf.dispatchFetch("https://tdauth-session.example.workers.dev/login");
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="secret"');
    expect((await mf.dispatchFetch("https://tdauth-session.example.workers.dev/token")).status).toBe(401);
    const status = await mf.dispatchFetch("https://tdauth-session.example.workers.dev/", { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(await status.json()).toMatchObject({ state: "unauthenticated", provider: "schwab" });
  });

  it("sends the admin to Schwab's authorize endpoint with the wrangler.toml callback", async () => {
    const response = await mf.dispatchFetch("https://tdauth-session.example.workers.dev/login", {
      method: "POST",
      body: new URLSearchParams({ secret: ADMIN }),
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin).toBe("https://api.schwabapi.com");
    expect(location.searchParams.get("redirect_uri")).toBe("https://tdauth-session.example.workers.dev/callback");
  });
});

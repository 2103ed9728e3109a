// createEmulator runs inside workerd: what "tdauth/emulator" resolves to under the workerd condition
// bundles for a Worker without node: modules and answers real flows.

import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TD_INVALID_GRANT, tdAuthorizePath } from "./_flow.ts";

let mf: Miniflare;
let bundled: string;

/** The source behind package.json's "./emulator" export under the workerd condition. */
function workerdSource(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  const built: string = pkg.exports["./emulator"].workerd.default;
  return fileURLToPath(new URL(`../../${built.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts")}`, import.meta.url));
}

beforeAll(async () => {
  const mod = workerdSource();
  const bundle = await build({
    stdin: {
      contents: `import { createEmulator } from ${JSON.stringify(mod)};
const emulator = createEmulator({ autoApprove: true });
export default { fetch: (request) => emulator.fetch(request) };`,
      loader: "js",
      resolveDir: process.cwd(),
    },
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  bundled = bundle.outputFiles[0]!.text;
  mf = new Miniflare({ modules: true, script: bundled, compatibilityDate: "2025-01-01", host: "127.0.0.1" });
});

it("resolves to a module without the server: no node: import and no @hono/node-server in the bundle", () => {
  expect(workerdSource()).toMatch(/emulator\/portable\.ts$/);
  expect(bundled).not.toMatch(/["']node:|@hono\/node-server/);
});

afterAll(async () => {
  await mf?.dispose();
});

it("authorizes, exchanges and refuses a replayed code inside workerd", async () => {
  const authorize = await mf.dispatchFetch(`http://emulator${tdAuthorizePath()}`, { redirect: "manual" });
  expect(authorize.status).toBe(302);
  const code = new URL(authorize.headers.get("location")!).searchParams.get("code")!;
  const exchange = (): Promise<{ status: number; text(): Promise<string> }> =>
    mf.dispatchFetch("http://emulator/v1/oauth2/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, client_id: "TDAUTHEMULATOR", redirect_uri: "https://127.0.0.1" })
        .toString(),
    });
  expect((await exchange()).status).toBe(200);
  const replay = await exchange();
  expect(replay.status).toBe(400);
  expect(await replay.text()).toBe(TD_INVALID_GRANT);
});

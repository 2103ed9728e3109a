#!/usr/bin/env node
// Runs the example Worker locally, in workerd (miniflare), against the local emulator, in a clone
// of the repository (after `npm install`):
//
//   node examples/worker/dev.mjs           # then open the printed /login URL
//
// It starts `tdauth emulator` on a free port with the Worker's callback as an extra redirect URI,
// bundles worker.ts against this checkout's sources, and serves it on http://127.0.0.1:8787 with
// an in-memory Workers KV and the bindings wrangler.toml and `wrangler secret put` would give it:
// the emulator's Schwab app as APP_KEY/APP_SECRET, its URL as BASE_URL, a fresh ADMIN_SECRET (or
// yours, from the environment) and cookie key. With TDAUTH_EMULATOR_URL set it uses that emulator
// instead, which must accept the callback: `tdauth emulator --redirect-uri http://127.0.0.1:8787/callback`.
//
// Options: --port N (default 8787), --auto-approve (the emulator skips its consent page).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = new URL("../../", import.meta.url);
const { values } = parseArgs({ options: { port: { type: "string", default: "8787" }, "auto-approve": { type: "boolean" } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`--port must be 1-65535, not ${values.port}`);
const origin = `http://127.0.0.1:${port}`;
const redirectURI = `${origin}/callback`;

/** Starts `tdauth emulator` from this checkout and resolves with its one JSON line. */
function startEmulator() {
  const args = ["bin/tdauth.mjs", "emulator", "--port", "0", "--json", "--redirect-uri", redirectURI];
  if (values["auto-approve"]) args.push("--auto-approve");
  const child = spawn(process.execPath, args, { cwd: fileURLToPath(root), stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) resolve({ child, ...JSON.parse(out.split("\n")[0]) });
    });
    child.once("exit", (code) => reject(new Error(`tdauth emulator exited with ${code}`)));
  });
}

const emulator = process.env.TDAUTH_EMULATOR_URL
  ? { url: process.env.TDAUTH_EMULATOR_URL.replace(/\/+$/, ""), apps: undefined, child: undefined }
  : await startEmulator();
// The emulator's own Schwab app, as it printed it (its documented defaults for one started elsewhere).
const app = emulator.apps?.find((a) => a.flavour === "schwab") ?? {
  clientId: "TdauthEmulatorSchwabAppKey000001",
  clientSecret: "EmulatorSecret01",
};

// "tdauth" and "tdauth/worker" from this checkout's sources, as the package's workerd condition
// resolves them to its build.
const { build } = await import("esbuild");
const bundle = await build({
  entryPoints: [fileURLToPath(new URL("examples/worker/worker.ts", root))],
  bundle: true,
  format: "esm",
  platform: "browser",
  conditions: ["workerd", "worker", "browser"],
  write: false,
  logLevel: "warning",
  plugins: [{
    name: "tdauth-sources",
    setup(b) {
      b.onResolve({ filter: /^tdauth(\/worker)?$/ }, (args) => ({
        path: fileURLToPath(new URL(args.path === "tdauth" ? "core/mod.ts" : "adapters/worker/mod.ts", root)),
      }));
    },
  }],
});

const adminSecret = process.env.ADMIN_SECRET || randomBytes(18).toString("base64url");
const { Miniflare } = await import("miniflare");
const mf = new Miniflare({
  modules: true,
  script: bundle.outputFiles[0].text,
  compatibilityDate: "2025-01-01",
  kvNamespaces: ["TOKENS"],
  bindings: {
    APP_KEY: app.clientId,
    APP_SECRET: app.clientSecret,
    REDIRECT_URI: redirectURI,
    BASE_URL: emulator.url,
    ADMIN_SECRET: adminSecret,
    TDAUTH_KEY: randomBytes(32).toString("base64"),
  },
  host: "127.0.0.1",
  port,
});
await mf.ready;

console.log(`Emulator: ${emulator.url} (its Schwab app; ${redirectURI} is a registered redirect URI)`);
console.log(`Worker:   ${origin} (workerd, Workers KV in memory)`);
console.log(`Log in:   open ${origin}/login and enter the admin secret ${adminSecret}`);
console.log(`Then:     curl -H "Authorization: Bearer ${adminSecret}" ${origin}/token`);
console.log("Ctrl-C to stop.");

// Miniflare ends the process on Ctrl-C itself (exit 130, or 143 on SIGTERM); the emulator goes with it.
process.once("exit", () => emulator.child?.kill("SIGTERM"));
const stop = async () => {
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  emulator.child?.kill("SIGTERM");
  await mf.dispose();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

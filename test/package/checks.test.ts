// Package checks: publint, attw, the JSR dry run, the two export maps agreeing; then the npm
// tarball installed into a fresh project, every export path imported and a full login run from it
// with Node ESM and CommonJS, and TDClient's credentials file on Node, Bun and Deno. (That core/
// imports only core/ is test/core/layering.test.ts.)
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const bin = (name: string) => join(root, "node_modules/.bin", name);
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const jsr = JSON.parse(readFileSync(join(root, "jsr.json"), "utf8"));
let work: string;
let tarball: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "tdauth-pack-"));
  // dist is built by `npm test`'s pretest (and by prepack whenever npm packs).
  // --ignore-scripts: prepack would rebuild dist while other suites are using it.
  execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", work], { cwd: root, stdio: "pipe" });
  tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: string[], cwd = root): { status: number | null; out: string } {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe("package checks", () => {
  it("publint finds nothing", () => {
    const r = run(bin("publint"), []);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain("All good!");
  });

  it("attw finds no type problems (node16 profile; the CLI export is ESM-only by design)", () => {
    // node10 cannot see subpath exports at all, and `tdauth/cli` is a command, not a library to require().
    const r = run(bin("attw"), [tarball, "--profile", "node16", "--exclude-entrypoints", "cli", "--format", "ascii"]);
    expect(r.status, r.out).toBe(0);
  });

  it("deno publish --dry-run --config jsr.json succeeds with no warning (no slow types, every import analyzable)", () => {
    const r = run(bin("deno"), ["publish", "--dry-run", "--allow-dirty", "--config", "jsr.json"]);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain("Success");
    // An import JSR cannot analyze is not rewritten on publish, and fails where no import map helps.
    // The list of files it would publish is not a warning, whatever the files are called.
    const said = r.out.split("\n").filter((line) => !line.trim().startsWith("file://")).join("\n");
    expect(said).not.toMatch(/warning/i);
  });

  it("package.json and jsr.json export the same keys", () => {
    const npmKeys = Object.keys(pkg.exports).filter((k) => k !== "./package.json").sort();
    expect(npmKeys).toEqual(Object.keys(jsr.exports).sort());
    expect(jsr.version).toBe(pkg.version);
  });
});

describe("the npm tarball in a fresh project", () => {
  let project: string;
  let installed: string;
  beforeAll(() => {
    project = join(work, "project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "tdauth-consumer", private: true }));
    // Dependencies come from the local npm cache; hono is the adapters' peer dependency.
    const r = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, `hono@${pkg.devDependencies.hono}`], project);
    expect(r.status, r.out).toBe(0);
    installed = r.out;
  }, 180_000);

  it("installs without an install-script warning: the published package.json runs nothing on install", () => {
    const published = JSON.parse(readFileSync(join(project, "node_modules/tdauth/package.json"), "utf8"));
    for (const script of ["preinstall", "install", "postinstall", "prepare"]) expect(published.scripts?.[script], script).toBeUndefined();
    expect(installed).not.toMatch(/install-scripts|install scripts/);
  });

  const login = (importer: string) => `
    const { AuthSession, schwab, MemoryStore } = ${importer("tdauth")};
    const { startEmulator, DEFAULT_SCHWAB_APP: app } = ${importer("tdauth/emulator")};
    const emu = await startEmulator({ port: 0, autoApprove: true });
    try {
      const session = new AuthSession({
        provider: schwab({ clientId: app.clientId, clientSecret: app.clientSecret, redirectURI: app.redirectURIs[0], baseURL: emu.url }),
        store: new MemoryStore(),
      });
      const { url } = await session.authorize();
      const redirect = (await fetch(url, { redirect: "manual" })).headers.get("location");
      await session.complete(redirect);
      const quotes = await (await session.fetch("/marketdata/v1/quotes?symbols=AAPL")).json();
      console.log(JSON.stringify({ state: (await session.status()).state, quotes: Object.keys(quotes) }));
    } finally { await emu.close(); }`;

  it("imports every export path and logs in with Node ESM", () => {
    const paths = Object.keys(pkg.exports).filter((k) => k !== "./package.json").map((k) => k.replace(/^\./, "tdauth"));
    writeFileSync(
      join(project, "esm.mjs"),
      `
      for (const path of ${JSON.stringify(paths)}) {
        const mod = await import(path);
        if (Object.keys(mod).length === 0) throw new Error(path + " exports nothing");
      }
      ${login((p) => `await import(${JSON.stringify(p)})`)}`,
    );
    const r = run(process.execPath, ["esm.mjs"], project);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('{"state":"authenticated","quotes":["AAPL"]}');
  }, 60_000);

  it("requires every CommonJS export path and logs in with Node CJS", () => {
    const paths = Object.keys(pkg.exports).filter((k) => k !== "./package.json" && k !== "./cli").map((k) => k.replace(/^\./, "tdauth"));
    writeFileSync(
      join(project, "cjs.cjs"),
      `
      for (const path of ${JSON.stringify(paths)}) {
        if (Object.keys(require(path)).length === 0) throw new Error(path + " exports nothing");
      }
      (async () => { ${login((p) => `require(${JSON.stringify(p)})`)} })().catch((e) => { console.error(e); process.exit(1); });`,
    );
    const r = run(process.execPath, ["cjs.cjs"], project);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('{"state":"authenticated","quotes":["AAPL"]}');
  }, 60_000);

  it('import { TDClient } from "tdauth" keeps its credentials file on Node (ESM and CJS), Bun and Deno', () => {
    // The local entry's TDClient opens a FileStore; the core's (what Workers get) would refuse.
    const script = (importer: string) => `
      const { TDClient } = ${importer};
      const path = process.argv.at(-1);
      const client = new TDClient({ clientId: "APPKEY", redirectURI: "https://127.0.0.1:8182", credentialsPath: path });
      const status = await (await client.session()).status();
      console.log(JSON.stringify({ state: status.state, provider: status.provider }));`;
    writeFileSync(join(project, "client.mjs"), script('await import("tdauth")'));
    writeFileSync(
      join(project, "client.cjs"),
      `(async () => { ${script('require("tdauth")')} })().catch((e) => { console.error(e); process.exit(1); });`,
    );
    const credentials = join(project, "client_state.json");
    for (
      const command of [
        [process.execPath, "client.mjs"],
        [process.execPath, "client.cjs"],
        [bin("bun"), "client.mjs"],
        [bin("deno"), "run", "-A", "client.mjs"],
      ]
    ) {
      const r = run(command[0]!, [...command.slice(1), credentials], project);
      expect(r.status, `${command.join(" ")}: ${r.out}`).toBe(0);
      expect(r.out).toContain('{"state":"unauthenticated","provider":"td-ameritrade"}');
    }
  }, 60_000);

  it("runs the installed tdauth binary", () => {
    const r = run(join(project, "node_modules/.bin/tdauth"), ["--version"], project);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain(pkg.version);
  });

  it("runs the installed binary on Node, with bunx and with deno run npm:tdauth (token, and a lazily loaded command)", async () => {
    // package.json "bin" is the built dist/bin/tdauth.cjs itself; Bun and Deno run that same file.
    const home = mkdtempSync(join(tmpdir(), "tdauth-pack-home-"));
    try {
      const { saveFreshTokens } = await import("../helpers/fresh_tokens.ts");
      await saveFreshTokens(join(home, "td_state.json"), "PACK-ACCESS");
      const env = { ...process.env, TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator" };
      for (
        const command of [[join(project, "node_modules/.bin/tdauth")], [bin("bun"), "x", "--bun", "tdauth"], [
          bin("deno"),
          "run",
          "-A",
          "npm:tdauth",
        ]]
      ) {
        const token = spawnSync(command[0]!, [...command.slice(1), "token"], { cwd: project, env, encoding: "utf8", timeout: 60_000 });
        expect(token.status, `${command.join(" ")} token: ${token.stderr}`).toBe(0);
        expect(token.stdout).toBe("PACK-ACCESS\n");
        // status loads from a chunk that imports the binary's file: it must run once, not twice.
        const status = spawnSync(command[0]!, [...command.slice(1), "status"], { cwd: project, env, encoding: "utf8", timeout: 60_000 });
        expect(status.status, `${command.join(" ")} status: ${status.stderr}`).toBe(0);
        expect(status.stdout.match(/^state: +authenticated$/gm), status.stdout).toHaveLength(1);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("examples/ on each runtime, from the installed tarball", () => {
  // The examples log in by paste: read the URL they print, let the auto-approving emulator
  // redirect, paste the Location back, and expect an authenticated session.
  async function runExample(command: string, args: string[], file: string): Promise<string> {
    const { spawn } = await import("node:child_process");
    const { startEmulator } = await import("../../emulator/mod.ts");
    const emu = await startEmulator({ port: 0, autoApprove: true });
    const project = join(work, "project");
    const target = join(project, file.replaceAll("/", "_"));
    writeFileSync(target, readFileSync(join(root, file), "utf8"));
    try {
      const child = spawn(command, [...args, target], {
        cwd: project,
        env: { ...process.env, TDAUTH_EMULATOR_URL: emu.url, TDAUTH_CREDENTIALS: join(project, `${file.replaceAll("/", "_")}.json`) },
      });
      let out = "";
      let pasted = false;
      child.stderr.on("data", (d) => (out += d));
      child.stdout.on("data", async (d) => {
        out += d;
        const url = /^(http\S+\/authorize\S*)$/m.exec(out)?.[1] ?? /^(http\S+)$/m.exec(out)?.[1];
        if (url && !pasted && out.includes("Redirect URL:")) {
          pasted = true;
          const res = await fetch(url, { redirect: "manual" });
          child.stdin.write(`${res.headers.get("location")}\n`);
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(code, out).toBe(0);
      return out;
    } finally {
      await emu.close();
    }
  }

  it("examples/node/login.mjs logs in on Node", async () => {
    expect(await runExample(process.execPath, [], "examples/node/login.mjs")).toContain('"state":"authenticated"');
  }, 60_000);

  it("examples/bun/login.ts logs in on Bun", async () => {
    expect(await runExample(bin("bun"), [], "examples/bun/login.ts")).toContain('"state":"authenticated"');
  }, 60_000);

  it("examples/deno/login.ts logs in on Deno (npm package from node_modules)", async () => {
    expect(await runExample(bin("deno"), ["run", "-A"], "examples/deno/login.ts")).toContain('"state":"authenticated"');
  }, 60_000);
});

/**
 * `source` written into the consumer project and bundled as wrangler bundles a Worker: the
 * "workerd" condition, and node: built-ins unresolvable without nodejs_compat (none may be left).
 */
async function workerBundle(name: string, source: string): Promise<string> {
  const { build } = await import("esbuild");
  const project = join(work, "project");
  writeFileSync(join(project, name), source);
  const result = await build({
    entryPoints: [join(project, name)],
    absWorkingDir: project,
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "import"],
    mainFields: ["module", "main"],
  });
  const text = result.outputFiles[0]!.text;
  expect(text).not.toMatch(/["']node:/);
  return text;
}

describe("a Worker bundle of the installed package in workerd", () => {
  it('logs in with AuthSession and schwab from "tdauth" and a KvStore on Workers KV, in miniflare without nodejs_compat', async () => {
    const { Miniflare } = await import("miniflare");
    const { startEmulator, DEFAULT_SCHWAB_APP: app } = await import("../../emulator/mod.ts");
    const script = await workerBundle(
      "worker_entry.mjs",
      `
      import { AuthSession, schwab, TDClient } from "tdauth";
      import { KvStore } from "tdauth/stores/kv";
      export default { async fetch(request, env) {
        const base = new URL(request.url).searchParams.get("emulator");
        const session = new AuthSession({
          provider: schwab({ clientId: ${JSON.stringify(app.clientId)}, clientSecret: ${JSON.stringify(app.clientSecret)}, redirectURI: ${
        JSON.stringify(app.redirectURIs[0])
      }, baseURL: base }),
          store: new KvStore(env.TOKENS, { key: "tokens" }),
        });
        const { url } = await session.authorize();
        const redirect = (await fetch(url, { redirect: "manual" })).headers.get("location");
        await session.complete(redirect);
        await session.accessToken();
        // The Worker's TDClient has no credentials file: it says what to pass instead.
        const client = await new TDClient({ provider: session.provider }).session().then(() => "", (e) => e.message);
        return Response.json({ state: (await session.status()).state, stored: (await env.TOKENS.get("tokens")) !== null, client });
      } };`,
    );
    const emu = await startEmulator({ port: 0, autoApprove: true });
    const mf = new Miniflare({
      modules: true,
      script,
      host: "127.0.0.1",
      port: 0,
      kvNamespaces: ["TOKENS"],
      compatibilityDate: "2025-09-01",
    });
    try {
      const res = await mf.dispatchFetch(`http://127.0.0.1/?emulator=${encodeURIComponent(emu.url)}`);
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(JSON.parse(text)).toEqual({
        state: "authenticated",
        stored: true,
        client: expect.stringMatching(/no file system.*pass \{ store \}/),
      });
    } finally {
      await mf.dispose();
      await emu.close();
    }
  }, 90_000);
});

describe("a Worker with the installed tdauth/durable-object in workerd", () => {
  it("bundles createWorker with TDAuthDurableObject without node:, and serves its status from the Durable Object alone", async () => {
    const { Miniflare } = await import("miniflare");
    const script = await workerBundle(
      "do_worker_entry.mjs",
      `
      import { schwab } from "tdauth";
      import { createWorker } from "tdauth/worker";
      export { TDAuthDurableObject } from "tdauth/durable-object";
      export default createWorker({ provider: schwab({ clientId: "APPKEY", clientSecret: "S", redirectURI: "https://w.example/callback" }) });`,
    );
    const mf = new Miniflare({
      modules: true,
      script,
      host: "127.0.0.1",
      port: 0,
      durableObjects: { TDAUTH_DO: "TDAuthDurableObject" },
      bindings: { ADMIN_SECRET: "admin", TDAUTH_KEY: btoa("k".repeat(32)) },
      compatibilityDate: "2025-09-01",
    });
    try {
      const res = await mf.dispatchFetch("http://127.0.0.1/", { headers: { authorization: "Bearer admin" } });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(JSON.parse(text)).toMatchObject({ state: "unauthenticated", provider: "schwab" });
    } finally {
      await mf.dispose();
    }
  }, 90_000);
});

describe("the JSR sources on Deno", () => {
  it("logs in from the .ts files jsr.json exports, run by Deno itself", () => {
    const dir = mkdtempSync(join(tmpdir(), "tdauth-jsr-"));
    const at = (key: string) => JSON.stringify(new URL(jsr.exports[key], `file://${root}`).href);
    writeFileSync(
      join(dir, "login.ts"),
      `
      import { AuthSession, schwab, MemoryStore } from ${at(".")};
      import { startEmulator, DEFAULT_SCHWAB_APP as app } from ${at("./emulator")};
      const emu = await startEmulator({ port: 0, autoApprove: true });
      try {
        const session = new AuthSession({
          provider: schwab({ clientId: app.clientId, clientSecret: app.clientSecret!, redirectURI: app.redirectURIs[0]!, baseURL: emu.url }),
          store: new MemoryStore(),
        });
        const { url } = await session.authorize();
        await session.complete((await fetch(url, { redirect: "manual" })).headers.get("location")!);
        console.log(JSON.stringify({ state: (await session.status()).state }));
      } finally { await emu.close(); }`,
    );
    try {
      const r = run(bin("deno"), ["run", "-A", "--config", join(root, "deno.json"), join(dir, "login.ts")]);
      expect(r.status, r.out).toBe(0);
      expect(r.out).toContain('{"state":"authenticated"}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

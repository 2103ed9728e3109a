// The Python library's usage examples, translated (examples/td_client/), run as real
// processes against the emulator, and TDClient's error mapping (the Python library's `_make_request`).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TD_APP, startEmulator } from "../../emulator/mod.ts";
import { accountNumbers } from "../../emulator/_market_data.ts";
import { APIAuthError, ExdLmtError, ForbidError, GeneralError, NotFndError, NotNulError, ServerError } from "../../core/errors.ts";
import { MemoryStore } from "../../core/memory_store.ts";
import { oauth2 } from "../../core/providers/oauth2.ts";
import { tdAmeritrade } from "../../core/providers/td_ameritrade.ts";
import { TDClient } from "../../adapters/local/mod.ts";
import { approvedRedirect } from "../helpers/login.ts";

type Running = Awaited<ReturnType<typeof startEmulator>>;
const root = new URL("../..", import.meta.url).pathname;
let emu: Running;
let dir: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
  dir = mkdtempSync(join(tmpdir(), "tdauth-td-client-"));
});
afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs an example; when it prints the login URL, approves it and pastes the redirect. */
function runExample(name: string, credentials: string): Promise<{ out: string; prompted: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "examples/td_client", name)], {
      cwd: root,
      env: {
        ...process.env,
        TDAUTH_CLIENT_ID: DEFAULT_TD_APP.clientId,
        TDAUTH_REDIRECT_URI: DEFAULT_TD_APP.redirectURIs[0]!,
        TDAUTH_EMULATOR_URL: emu.url,
        TDAUTH_CREDENTIALS: credentials,
        TDAUTH_ACCOUNT: accountNumbers(DEFAULT_TD_APP.clientId)[0]!,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let prompted = false;
    child.stdout.on("data", async (chunk) => {
      out += chunk;
      const match = /authorize your account: (\S+)/.exec(out);
      if (match && !prompted) {
        prompted = true;
        child.stdin.write(`${await approvedRedirect(match[1]!)}\n`);
      }
    });
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("exit", (code) => (code === 0 ? resolve({ out, prompted }) : reject(new Error(`${name} exited ${code}: ${err}`))));
  });
}

const lastJSON = (out: string): Record<string, unknown> => JSON.parse(out.trim().split("\n").pop()!);

describe("the Python library's usage examples, in TypeScript, against the emulator", () => {
  it("usage.ts logs in by pasting the redirect URL, then gets quotes", async () => {
    const credentials = join(dir, "usage", "td_state.json");
    const first = await runExample("usage.ts", credentials);
    expect(first.prompted).toBe(true);
    const result = lastJSON(first.out) as { msftQuotes: object; multipleQuotes: object };
    expect(Object.keys(result.msftQuotes)).toEqual(["MSFT"]);
    expect(Object.keys(result.multipleQuotes).sort()).toEqual(["AMZN", "SQ"]);
    // The file is the Python library's format.
    const file = JSON.parse(readFileSync(credentials, "utf8"));
    expect(file).toMatchObject({ logged_in: true, access_token: expect.any(String), refresh_token_expires_at: expect.any(Number) });
    // A second run logs in silently from the stored tokens.
    const second = await runExample("usage.ts", credentials);
    expect(second.prompted).toBe(false);
  });

  it("api_regular.ts: stock, option, future, forex and two-symbol quotes, then an account with orders", async () => {
    const { out } = await runExample("api_regular.ts", join(dir, "regular", "td_state.json"));
    const result = lastJSON(out);
    expect(Object.keys(result).sort()).toEqual(["/ES", "AUD/USD", "MSFT_041720C75", "SQ", "SQ,MSFT", "account"].sort());
    expect(Object.keys(result["SQ,MSFT"] as object).sort()).toEqual(["MSFT", "SQ"]);
  });

  it("login_logout.ts: grab tokens, then logout really clears the file", async () => {
    const credentials = join(dir, "cycle", "td_state.json");
    const { out } = await runExample("login_logout.ts", credentials);
    expect(lastJSON(out)).toMatchObject({ loggedIn: true, refreshExpiresAtDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(() => readFileSync(credentials, "utf8")).toThrow();
  });
});

describe("TDClient", () => {
  async function loggedIn(): Promise<TDClient> {
    const client = new TDClient({
      provider: tdAmeritrade({ clientId: DEFAULT_TD_APP.clientId, redirectURI: DEFAULT_TD_APP.redirectURIs[0]!, baseURL: emu.url }),
      store: new MemoryStore(),
      log: () => {},
      prompt: () => Promise.resolve(""),
    });
    await client.exchangeCodeForToken({ code: await approvedRedirect(await client.grabURL()) });
    return client;
  }

  it.each([
    [400, NotNulError],
    [403, ForbidError],
    [404, NotFndError],
    [429, ExdLmtError],
    [500, ServerError],
    [503, ServerError],
    [502, GeneralError],
    [418, GeneralError],
  ])("maps HTTP %i to the Python library's %o", async (status, type) => {
    const client = await loggedIn();
    emu.emulator.injectFault({ target: "api", kind: "status", status, count: 1 });
    const error = await client.getAccounts().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as { status: number }).status).toBe(status);
  });

  it("maps a 401 that survives a refresh to APIAuthError (a missing API product, not a dead session)", async () => {
    const client = await loggedIn();
    emu.emulator.injectFault({ target: "api", kind: "status", status: 401, count: 2 });
    await expect(client.getQuotes(["MSFT"])).rejects.toBeInstanceOf(APIAuthError);
  });

  it("maps a real 404 (unknown account) to NotFndError", async () => {
    const client = await loggedIn();
    await expect(client.getAccounts({ account: "000" })).rejects.toBeInstanceOf(NotFndError);
  });

  it("exchangeCodeForToken without returnRefreshToken gets no refresh token (TD without access_type)", async () => {
    const client = new TDClient({
      provider: tdAmeritrade({ clientId: DEFAULT_TD_APP.clientId, redirectURI: DEFAULT_TD_APP.redirectURIs[0]!, baseURL: emu.url }),
      store: new MemoryStore(),
    });
    const dict = await client.exchangeCodeForToken({ code: await approvedRedirect(await client.grabURL()), returnRefreshToken: false });
    expect(dict.access_token).toEqual(expect.any(String));
    expect(dict.refresh_token).toBeUndefined();
  });

  it("login() throws instead of reporting success when the pasted URL is refused", async () => {
    const client = new TDClient({
      provider: tdAmeritrade({ clientId: DEFAULT_TD_APP.clientId, redirectURI: DEFAULT_TD_APP.redirectURIs[0]!, baseURL: emu.url }),
      store: new MemoryStore(),
      log: () => {},
      prompt: () => Promise.resolve("https://127.0.0.1:8080/callback?code=stale&state=wrong"),
    });
    await expect(client.login()).rejects.toThrow(/state does not match/);
  });

  it("asks the provider for its API paths, and says so when it has none", async () => {
    const client = new TDClient({
      provider: oauth2({
        authorizationEndpoint: `${emu.url}/auth`,
        tokenEndpoint: `${emu.url}/token`,
        clientId: "A",
        redirectURI: "https://127.0.0.1",
      }),
      store: new MemoryStore(),
    });
    await expect(client.getQuotes(["MSFT"])).rejects.toThrow(/TDClient knows no market-data or account endpoints of 127\.0\.0\.1:\d+/);
    await expect(client.getAccounts()).rejects.toThrow(TypeError);
  });

  it("rejects a bad authFlow and empty instruments with a TypeError naming them", () => {
    expect(() => new TDClient({ clientId: "A", redirectURI: "https://127.0.0.1", authFlow: "web" as never })).toThrow(/authFlow/);
    const client = new TDClient({ clientId: "A", redirectURI: "https://127.0.0.1", store: new MemoryStore() });
    return expect(client.getQuotes([])).rejects.toThrow(/instruments/);
  });
});

// `tdauth demo`: the whole life of a session against a local emulator, printed step by step:
// login (auto-approved), status, forced refresh, quotes, accounts. No account, no network, and
// a temporary credentials file, so the user's real one is never touched.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { redact } from "../../core/_redact.ts";
import { parseFlags } from "../_args.ts";
import { EXIT } from "../_errors.ts";
import { type IO, when } from "../_output.ts";
import { printStatus } from "../_status_view.ts";

/**
 * The text of `tdauth demo --help`.
 * @example
 * ```ts
 * console.log(help);
 * ```
 */
export const help: string = `Usage: tdauth demo

Starts the emulator on 127.0.0.1 (a free port), logs in to its Schwab app with auto-approve,
shows the status, forces a refresh, fetches quotes and accounts, logs out, and cleans up.
Tokens are shown redacted. Uses a temporary credentials file: your own is never read or written.

Exit: 0 ok, 1 a step failed.`;

/** Hides a URL's code (and state) parameters the way tokens are hidden. */
function redactURL(url: string): string {
  return url.replace(/([?&](?:code|state)=)([^&#]+)/g, (_, key: string, value: string) => `${key}${redact(decodeURIComponent(value))}`);
}

/**
 * Runs `tdauth demo`.
 * @example
 * ```ts
 * const code = await run([], terminal());
 * ```
 */
export async function run(args: string[], io: IO): Promise<number> {
  parseFlags("demo", args, {});
  const step = (n: number, title: string): void => io.out(`\n${io.bold(`${n}. ${title}`)}`);
  const say = (line: string): void => io.out(`   ${line}`);
  io.out(io.bold("tdauth demo") + " — a full session against a local emulator; no account or network needed.");

  const [{ startEmulator, DEFAULT_SCHWAB_APP }, { FileStore }, { FileLock }, { TDClient }, { schwab }, { approvedRedirect }] = await Promise
    .all([
      import("../../emulator/mod.ts"),
      import("../../adapters/file/store.ts"),
      import("../../adapters/file/lock.ts"),
      import("../../adapters/local/mod.ts"),
      import("../../core/providers/schwab.ts"),
      import("../_auto_login.ts"),
    ]);
  step(1, "Start the emulator");
  const emu = await startEmulator({ port: 0, autoApprove: true });
  const folder = await mkdtemp(join(tmpdir(), "tdauth-demo-"));
  try {
    const path = join(folder, "td_state.json");
    say(`listening on ${emu.url} (127.0.0.1 only, auto-approve on)`);
    say(`credentials: ${path} (temporary; deleted at the end)`);

    const provider = schwab({
      clientId: DEFAULT_SCHWAB_APP.clientId,
      clientSecret: DEFAULT_SCHWAB_APP.clientSecret!,
      redirectURI: DEFAULT_SCHWAB_APP.redirectURIs[0]!,
      baseURL: emu.url,
    });
    // The demo must not depend on TDAUTH_KEY being set for the user's own file.
    const store = new FileStore(path, { key: crypto.getRandomValues(new Uint8Array(32)), onWarning: () => {} });
    const client = new TDClient({ provider, store, lock: new FileLock(`${path}.lock`), log: () => {} });
    const session = await client.session();

    step(2, "Log in (what `tdauth login` does, with the emulator approving instead of you)");
    const { url } = await session.authorize();
    say(`authorization URL: ${redactURL(url)}`);
    const redirect = await approvedRedirect(url);
    say(`the browser would land on: ${redactURL(redirect)}`);
    const loggedIn = await session.complete(redirect);
    say(`${io.green("✓")} logged in; access token ${redact(await session.accessToken())}, expires ${when(loggedIn.accessExpiresAt)}`);

    step(3, "Status (`tdauth status`)");
    const lines: string[] = [];
    printStatus({ ...io, out: (line) => lines.push(line), err: () => {} }, await session.status(), { credentials: path });
    for (const line of lines) say(line);

    step(4, "Forced refresh (`tdauth refresh`)");
    const before = await session.accessToken();
    const refreshed = await session.refresh({ force: true });
    const after = await session.accessToken();
    say(
      `access token ${redact(before)} → ${redact(after)}${before === after ? "" : " (a new one)"}, expires ${
        when(refreshed.accessExpiresAt)
      }`,
    );
    say(`refresh token still dies ${when(refreshed.refreshExpiresAt)} (Schwab: 7 days from the login)`);

    step(5, 'Quotes (`client.getQuotes(["AAPL", "MSFT"])`)');
    const quotes = await client.getQuotes(["AAPL", "MSFT"]) as Record<string, { quote?: { lastPrice?: number; netChange?: number } }>;
    for (const [symbol, entry] of Object.entries(quotes)) {
      const q = entry.quote ?? {};
      say(`${symbol.padEnd(6)} last ${String(q.lastPrice ?? "?").padStart(9)}   change ${q.netChange ?? "?"}`);
    }

    step(6, "Accounts (`client.getAccounts()`)");
    const accounts = await client.getAccounts() as Array<
      { securitiesAccount?: { type?: string; accountNumber?: string; currentBalances?: { cashBalance?: number } } }
    >;
    for (const { securitiesAccount: a = {} } of accounts) {
      say(`${a.type ?? "account"} ••••${(a.accountNumber ?? "").slice(-4)}   cash ${a.currentBalances?.cashBalance ?? "?"}`);
    }

    step(7, "Log out (`tdauth logout`)");
    await session.logout();
    say(`state: ${(await session.status()).state}`);
    const stats = emu.emulator.stats();
    io.out(
      `\n${
        io.green("Done.")
      } The emulator saw ${stats.tokenRequests} token requests (${stats.authorizationCodeGrants} login, ${stats.refreshGrants} refresh) and ${stats.apiRequests} API calls.`,
    );
    io.out("Next: `tdauth emulator` to keep one running, or `tdauth login` with your own Schwab app.");
    return EXIT.OK;
  } finally {
    await emu.close();
    await rm(folder, { recursive: true, force: true });
  }
}

// The Worker's cron reminder in real workerd (miniflare): while a re-login is due it posts to the
// NOTIFY_URL binding once a day, and once when the session has ended, with the Worker's own
// /login URL; a real HTTP receiver on 127.0.0.1 gets the posts. The session is aged by
// backdating the record in KV and advancing the emulator's clock together.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KvStore } from "../../../adapters/kv/store.ts";
import type { KVNamespaceLike } from "../../../adapters/kv/kv.ts";
import { schwab } from "../../../core/providers/schwab.ts";
import { AuthSession } from "../../../core/session.ts";
import type { StoredTokens } from "../../../core/types.ts";
import { startEmulator } from "../../../emulator/mod.ts";
import type { RunningEmulator } from "../../../emulator/types.ts";
import { startTestWorker } from "./_workerd.ts";
import { emulatorLogin } from "../../helpers/login.ts";

const DAY = 86_400_000;
const APP_KEY = "ReminderTestAppKey00000000000001";
const APP_SECRET = "ReminderSecret01";
let emu: RunningEmulator;
let mf: Miniflare;
let origin: string;
let receiver: Server;
const posts: Array<{ path: string; body: Record<string, unknown> }> = [];

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
  receiver = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk)).on("end", () => {
      posts.push({ path: request.url!, body: JSON.parse(text) });
      response.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook/secret-path`;
  ({ mf, origin } = await startTestWorker("./entry.ts", (origin) => {
    emu.emulator.registerApp({ flavour: "schwab", clientId: APP_KEY, clientSecret: APP_SECRET, redirectURIs: [`${origin}/callback`] });
    return {
      ADMIN_SECRET: "admin",
      TDAUTH_KEY: btoa("k".repeat(32)),
      APP_KEY,
      APP_SECRET,
      REDIRECT_URI: `${origin}/callback`,
      EMULATOR: emu.url,
      NOTIFY_URL: hook,
    };
  }));
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  await emu?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

let aged = 0;
async function ageTo(kv: KVNamespaceLike, days: number): Promise<void> {
  const by = days * DAY - aged;
  aged += by;
  const t = JSON.parse((await kv.get("tdauth:tokens", "text"))!) as StoredTokens;
  const back = (ms: number | undefined) => (ms === undefined ? undefined : ms - by);
  await kv.put(
    "tdauth:tokens",
    JSON.stringify({
      ...t,
      authorizedAt: t.authorizedAt - by,
      accessExpiresAt: t.accessExpiresAt - by,
      accessIssuedAt: back(t.accessIssuedAt),
      refreshExpiresAt: back(t.refreshExpiresAt),
    }),
  );
  emu.emulator.advanceClock(by);
}

describe("the Worker's cron reminder", () => {
  it("posts once a day while a re-login is due and once when the session ended, with the Worker's /login", async () => {
    const kv = (await mf.getKVNamespace("TOKENS")) as unknown as KVNamespaceLike;
    const provider = schwab({ clientId: APP_KEY, clientSecret: APP_SECRET, redirectURI: `${origin}/callback`, baseURL: emu.url });
    await emulatorLogin(new AuthSession({ provider, store: new KvStore(kv) }));
    const worker = await mf.getWorker();
    const cron = () => worker.scheduled({ cron: "0 * * * *", scheduledTime: new Date() });

    // Day 1: good, nothing to say.
    await ageTo(kv, 1);
    await cron();
    expect(posts).toHaveLength(0);

    // Day 6: due. One post, with the Worker's /login; the next runs the same day stay silent.
    await ageTo(kv, 6);
    await cron();
    await cron();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.path).toBe("/hook/secret-path");
    expect(posts[0]!.body).toMatchObject({ event: "relogin_due", provider: "Charles Schwab", login: `${origin}/login` });
    expect(String(posts[0]!.body.text)).toContain(`Log in again: ${origin}/login`);

    // Past day 7 the cron's refresh is refused: one post says the session ended, then no more.
    await ageTo(kv, 7.2);
    await cron();
    await cron();
    expect(posts).toHaveLength(2);
    expect(posts[1]!.body).toMatchObject({ event: "session_expired", login: `${origin}/login` });
    expect(String(posts[1]!.body.reason)).toMatch(/rejected the refresh token/);
    expect(JSON.parse((await kv.get("tdauth:tokens", "text"))!).expired).toBeDefined();
  }, 60_000);
});

// One Schwab session through its week, with the real `tdauth` binary on the real clock: the test
// ages the session by backdating the stored record and advancing the emulator's clock together.
// Day 0 and day 5 are good; on day 6 a login is due (`check` exits 3, the session tells
// relogin_due once, the webhook gets one post); past day 7 the soft cap lets one refresh try; the
// server refuses it, and `check` says the session ended and why.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "../../adapters/file/store.ts";
import { AuthSession, type SessionEvent } from "../../core/session.ts";
import { startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/types.ts";
import { emulatorSchwab } from "../helpers/login.ts";
import { cleanEnv, runTdauth } from "./_run.ts";

const DAY = 86_400_000;
let emu: RunningEmulator;
let home: string;
let receiver: Server;
let hookURL: string;
const posts: Array<{ contentType: string | undefined; body: Record<string, unknown> }> = [];

async function bodyOf(request: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of request) text += chunk;
  return text;
}

beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
  home = mkdtempSync(join(tmpdir(), "tdauth-week-"));
  receiver = createServer((request, response) => {
    void bodyOf(request).then((text) => {
      posts.push({ contentType: request.headers["content-type"], body: JSON.parse(text) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  hookURL = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/secret-topic-7f3a`;
});
afterAll(async () => {
  await emu?.close();
  await new Promise((resolve) => receiver?.close(resolve));
  rmSync(home, { recursive: true, force: true });
});

const env = () => cleanEnv({ TDAUTH_HOME: home, TDAUTH_PROVIDER: "emulator", TDAUTH_EMULATOR_URL: emu.url });
const credentials = () => join(home, "td_state.json");
const quiet = { onWarning: () => {} };
let aged = 0;

/** Makes the session `days` old: the record's times move back, the emulator's clock forward. */
async function ageTo(days: number): Promise<void> {
  const by = days * DAY - aged;
  aged += by;
  const store = new FileStore(credentials(), quiet);
  const t = (await store.load())!;
  await store.save({
    ...t,
    authorizedAt: t.authorizedAt - by,
    accessExpiresAt: t.accessExpiresAt - by,
    ...(t.accessIssuedAt === undefined ? {} : { accessIssuedAt: t.accessIssuedAt - by }),
    ...(t.refreshExpiresAt === undefined ? {} : { refreshExpiresAt: t.refreshExpiresAt - by }),
  });
  emu.emulator.advanceClock(by);
}

describe("a Schwab session through its week", () => {
  it("is good, then due, then capped, then ended, and says so at each step", async () => {
    // Day 0: a login.
    expect((await runTdauth(["login", "--flow", "auto"], env())).code).toBe(0);
    let check = await runTdauth(["check", "--notify", hookURL], env());
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(
      /^✓ The Charles Schwab session is good until .* ET \(.* here, in 6 days 23 hours\); no login due within 48 h\.$/m,
    );

    // Day 5 (just under): still good; the access token died long ago and a refresh renews it.
    await ageTo(5 - 1 / 24);
    check = await runTdauth(["check", "--notify", hookURL], env());
    expect(check.code).toBe(0);
    expect((await runTdauth(["token"], env())).code).toBe(0);
    expect(posts).toHaveLength(0);

    // Day 6: a login is due. check exits 3 and posts once; a second check within the day does not.
    await ageTo(6);
    const session = new AuthSession({ provider: emulatorSchwab(emu.url), store: new FileStore(credentials(), quiet) });
    const events: SessionEvent[] = [];
    session.subscribe((e) => void events.push(e));
    await session.status();
    await session.refresh();
    await session.status();
    expect(events.filter((e) => e.type === "relogin_due")).toHaveLength(1);
    check = await runTdauth(["check", "--notify", hookURL], env());
    expect(check.code).toBe(3);
    expect(check.stdout).toMatch(/^! Log in to Charles Schwab again before .* ET$/m);
    expect(check.stdout).toMatch(/ends .* ET \(.* here, in 2[34] hours\)\.$/m);
    expect(check.stdout + check.stderr).not.toContain("secret-topic");
    expect((await runTdauth(["check", "--notify", hookURL], env())).code).toBe(3);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.contentType).toBe("application/json");
    expect(posts[0]!.body).toMatchObject({ event: "relogin_due", provider: "Charles Schwab", login: "tdauth login" });

    // Past day 7: the cap is soft, so the session is still authenticated (and overdue); --verify
    // makes the one refresh that asks the server, which refuses it.
    await ageTo(7 + 2 / 24);
    const status = JSON.parse((await runTdauth(["status", "--json"], env())).stdout);
    expect(status.state).toBe("authenticated");
    const requests = emu.emulator.stats().tokenRequests;
    check = await runTdauth(["check", "--verify", "--notify", hookURL], env());
    expect(emu.emulator.stats().tokenRequests).toBe(requests + 1);
    expect({ code: check.code, stderr: check.stderr }).toEqual({ code: 3, stderr: "note: posted a reminder to the webhook\n" });
    expect(check.stdout).toMatch(/^! The Charles Schwab session has ended: log in again$/m);
    expect(check.stdout).toMatch(/has ended: Charles Schwab rejected the refresh token \(/m);
    // Refused after its expected end: nothing suggests another login did it.
    expect(check.stdout).not.toMatch(/newer login/);
    // The end is news: it is posted although a reminder went out within the day.
    expect(posts).toHaveLength(2);
    expect(posts[1]!.body).toMatchObject({ event: "session_expired" });
    expect(String(posts[1]!.body.reason)).toMatch(/rejected the refresh token/);

    // From now on check says so without asking the server.
    check = await runTdauth(["check", "--json"], env());
    expect(check.code).toBe(3);
    expect(JSON.parse(check.stdout)).toMatchObject({
      state: "expired",
      ok: false,
      reason: expect.stringMatching(/rejected the refresh token/),
    });
    expect(emu.emulator.stats().tokenRequests).toBe(requests + 1);
  }, 120_000);
});

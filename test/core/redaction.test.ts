// No token, secret, code or PKCE verifier reaches an error's message, toString, JSON or stack,
// nor status(): every failure path below is provoked and its text grepped.
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEFAULT_SCHWAB_APP, startEmulator } from "../../emulator/mod.ts";
import { MemoryStore } from "../../core/memory_store.ts";
import { AuthSession } from "../../core/session.ts";
import { approvedRedirect, emulatorSchwab } from "../helpers/login.ts";

type Running = Awaited<ReturnType<typeof startEmulator>>;
let emu: Running;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
});
afterAll(async () => {
  await emu.close();
});

function texts(error: unknown): string {
  const e = error as Error & { cause?: unknown };
  return [String(e), e.message, e.stack, JSON.stringify(e), JSON.stringify(e.cause ?? null), String(e.cause ?? "")].join("\n");
}

it("keeps every secret out of every error and out of status()", async () => {
  const store = new MemoryStore();
  const session = new AuthSession({
    provider: emulatorSchwab(emu.url, { pkce: true }),
    store,
    sleep: () => Promise.resolve(),
    retry: { attempts: 2 },
  });
  const errors: unknown[] = [];
  const capture = (p: Promise<unknown>) => p.then(() => expect.fail("should have failed"), (e: unknown) => errors.push(e));

  const { url } = await session.authorize();
  const verifier = session.pendingAuthorization()!.codeVerifier!;
  const redirect = await approvedRedirect(url);
  const code = new URL(redirect).searchParams.get("code")!;
  await capture(session.complete(redirect.replace(/state=[^&]+/, "state=wrong")));
  // The failed attempt ended that login; start another and finish it.
  const second = await session.authorize();
  const redirect2 = await approvedRedirect(second.url);
  await session.complete(redirect2);
  await capture(session.complete(redirect2)); // replay
  const { accessToken, refreshToken } = (await store.load())!;

  emu.emulator.injectFault({ target: "token", kind: "html", count: 1 });
  await capture(session.refresh({ force: true }));
  emu.emulator.injectFault({ target: "token", kind: "status", status: 503, count: 5 });
  await capture(session.refresh({ force: true }));
  emu.emulator.injectFault({ target: "api", kind: "status", status: 401, count: 2 });
  await capture(session.fetch("/trader/v1/accounts"));
  const status = JSON.stringify(await session.status());

  // Bad code exchange: a new login whose code is replaced by the first (already used) one.
  const third = await session.authorize();
  const redirect3 = (await approvedRedirect(third.url)).replace(/code=[^&]+/, `code=${encodeURIComponent(code)}`);
  await capture(session.complete(redirect3));

  // And a dead refresh token.
  const current = (await store.load())!;
  await store.save({ ...current, accessExpiresAt: 0 });
  await fetch(`${emu.url}/__emulator/reset`, { method: "POST" });
  // A second session on the store, as another process would read it.
  const other = new AuthSession({ provider: session.provider, store, sleep: () => Promise.resolve() });
  await capture(other.accessToken());

  const secrets = [
    accessToken,
    refreshToken!,
    DEFAULT_SCHWAB_APP.clientSecret!,
    code,
    verifier,
    btoa(`${DEFAULT_SCHWAB_APP.clientId}:${DEFAULT_SCHWAB_APP.clientSecret}`),
  ];
  expect(errors.length).toBe(7);
  for (const error of errors) {
    const text = texts(error);
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
  for (const secret of secrets) expect(status).not.toContain(secret);
});

// Hand-written OAuth client steps for the emulator tests: plain fetch, no tdauth code, so the tests check the wire.

import { afterAll, beforeAll, beforeEach } from "vitest";
import { createEmulator, DEFAULT_SCHWAB_APP, DEFAULT_TD_APP, startEmulator } from "../../emulator/mod.ts";
import type { Emulator, EmulatorOptions, RunningEmulator, StartEmulatorOptions } from "../../emulator/mod.ts";

/** Sends a request to an emulator, either in-process or over HTTP. */
export type Call = (path: string, init?: RequestInit) => Promise<Response>;

/** A manual clock for `now`. */
export function manualClock(start = Date.UTC(2025, 0, 6, 14, 30)): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** An in-process emulator plus a `call` that never redirects automatically. */
export function inProcess(options: EmulatorOptions = {}): { emulator: Emulator; call: Call } {
  const emulator = createEmulator(options);
  return { emulator, call: (path, init) => emulator.fetch(new Request(`http://emulator.test${path}`, init)) };
}

/** A `call` against a served emulator at `base`. */
export function overHTTP(base: string): Call {
  return (path, init) => fetch(`${base}${path}`, { redirect: "manual", ...init });
}

/**
 * Serves one emulator on 127.0.0.1 for the enclosing suite and resets it before each test; `use` receives it and
 * its `call` once it listens.
 */
export function serveEmulator(options: StartEmulatorOptions, use: (running: RunningEmulator, call: Call) => void): void {
  let running: RunningEmulator | undefined;
  beforeAll(async () => {
    running = await startEmulator(options);
    use(running, overHTTP(running.url));
  });
  afterAll(async () => {
    await running?.close();
  });
  beforeEach(async () => {
    await running!.emulator.fetch(new Request("http://emulator.test/__emulator/reset", { method: "POST" }));
  });
}

export const TD_REDIRECT = "https://127.0.0.1";
export const SCHWAB_REDIRECT = "https://127.0.0.1:8182";
export const TD_CLIENT = DEFAULT_TD_APP.clientId;
export const SCHWAB_CLIENT = DEFAULT_SCHWAB_APP.clientId;
export const SCHWAB_BASIC = `Basic ${btoa(`${DEFAULT_SCHWAB_APP.clientId}:${DEFAULT_SCHWAB_APP.clientSecret}`)}`;

/** The TD authorize path with query, built the way TD documented it. */
export function tdAuthorizePath(extra: Record<string, string> = {}, redirectURI = TD_REDIRECT): string {
  const query = new URLSearchParams({ response_type: "code", redirect_uri: redirectURI, client_id: `${TD_CLIENT}@AMER.OAUTHAP`, ...extra });
  return `/auth?${query}`;
}

/** The Schwab authorize path with query. */
export function schwabAuthorizePath(extra: Record<string, string> = {}, redirectURI = SCHWAB_REDIRECT): string {
  const query = new URLSearchParams({ client_id: SCHWAB_CLIENT, redirect_uri: redirectURI, ...extra });
  return `/v1/oauth/authorize?${query}`;
}

/** The code from a redirect Location, percent-decoded exactly once. */
export function codeFrom(location: string | null): string {
  const code = new URL(location ?? "").searchParams.get("code");
  if (!code) throw new Error(`no code in ${location}`);
  return code;
}

/** A form POST init. */
export function form(params: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params).toString(),
  };
}

/** A JSON POST init, as the admin routes take it. */
export function postJSON(body: unknown): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** GET authorize (autoApprove on) and return the code. */
export async function authorizeCode(call: Call, path: string): Promise<string> {
  const res = await call(path, { redirect: "manual" });
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  return codeFrom(res.headers.get("location"));
}

/** TD code exchange. */
export function tdExchange(call: Call, code: string, extra: Record<string, string> = {}): Promise<Response> {
  return call(
    "/v1/oauth2/token",
    form({
      grant_type: "authorization_code",
      code,
      client_id: `${TD_CLIENT}@AMER.OAUTHAP`,
      redirect_uri: TD_REDIRECT,
      access_type: "offline",
      ...extra,
    }),
  );
}

/** TD refresh grant (bare client id, as the origin library sends it). */
export function tdRefresh(call: Call, refreshToken: string, extra: Record<string, string> = {}): Promise<Response> {
  return call("/v1/oauth2/token", form({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: TD_CLIENT, ...extra }));
}

/** Schwab code exchange with HTTP Basic. */
export function schwabExchange(call: Call, code: string, extra: Record<string, string> = {}, auth = SCHWAB_BASIC): Promise<Response> {
  return call(
    "/v1/oauth/token",
    form({ grant_type: "authorization_code", code, redirect_uri: SCHWAB_REDIRECT, ...extra }, auth ? { authorization: auth } : {}),
  );
}

/** Schwab refresh grant with HTTP Basic. */
export function schwabRefresh(call: Call, refreshToken: string): Promise<Response> {
  return call("/v1/oauth/token", form({ grant_type: "refresh_token", refresh_token: refreshToken }, { authorization: SCHWAB_BASIC }));
}

/** Full TD login (autoApprove must be on): tokens JSON. */
export async function tdLogin(call: Call, extra: Record<string, string> = {}): Promise<Record<string, string | number>> {
  const res = await tdExchange(call, await authorizeCode(call, tdAuthorizePath()), extra);
  if (res.status !== 200) throw new Error(`exchange answered ${res.status}`);
  return (await res.json()) as Record<string, string | number>;
}

/** Full Schwab login (autoApprove must be on): tokens JSON. */
export async function schwabLogin(call: Call): Promise<Record<string, string | number>> {
  const res = await schwabExchange(call, await authorizeCode(call, schwabAuthorizePath()));
  if (res.status !== 200) throw new Error(`exchange answered ${res.status}`);
  return (await res.json()) as Record<string, string | number>;
}

/** A bearer header init. */
export function bearer(token: string | number | undefined): RequestInit {
  return { headers: { authorization: `Bearer ${String(token)}` } };
}

/** Schwab's 401 on API calls, with any uuid as its id. */
export const SCHWAB_CLIENT_NOT_AUTHORIZED =
  /^\{"errors":\[\{"id":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}","status":401,"title":"Unauthorized","detail":"Client not authorized"\}\]\}$/;

export const TD_INVALID_GRANT = '{\n  "error" : "invalid_grant"\n}';
export const TD_UNAUTHORIZED = '{"error":"The access token being passed has expired or is invalid."}';

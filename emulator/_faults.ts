// The first middleware: classifies each request, counts it, and serves any injected fault before (or, for the
// kinds that mangle a real answer, after) the real route runs.

import type { Context, Hono } from "hono";
import { akamaiAccessDenied, jsonText, serverError } from "./_bodies.ts";
import type { EmulatorContext } from "./_context.ts";
import type { QueuedFault } from "./_fault_check.ts";

const TOKEN_PATHS = ["/v1/oauth2/token", "/v1/oauth/token"];
const API_PREFIXES = ["/v1/marketdata/", "/v1/accounts", "/marketdata/v1/", "/trader/v1/"];
const CHUNK = 65_536;

/**
 * Which fault target a request belongs to; admin routes are never faulted.
 *
 * @example
 * classify("POST", "/v1/oauth/token"); // "token"
 */
export function classify(method: string, path: string): "token" | "api" | "admin" | "other" {
  if (path.startsWith("/__emulator/")) return "admin";
  if (method === "POST" && TOKEN_PATHS.includes(path)) return "token";
  if (API_PREFIXES.some((prefix) => path === prefix || path.startsWith(prefix))) return "api";
  return "other";
}

// The HTML page names the real host the client thought it was talking to.
function realURL(path: string): string {
  if (path === "/auth") return `https://auth.tdameritrade.com${path}`;
  if (path.startsWith("/v1/oauth/") || path.startsWith("/marketdata/") || path.startsWith("/trader/")) {
    return `https://api.schwabapi.com${path}`;
  }
  return `https://api.tdameritrade.com${path}`;
}

// Holds the request until its client gives up (the signal aborts: a disconnect over HTTP, an abort in process) or
// reset() ends it; either way the waiter is dropped, so nothing stays pending after the client has gone.
function hang(ctx: EmulatorContext, signal: AbortSignal): Promise<Response> {
  return new Promise((resolve) => {
    const end = (): void => {
      signal.removeEventListener("abort", end);
      ctx.hangs.delete(end);
      ctx.stats.hangingRequests = ctx.hangs.size;
      resolve(serverError(503));
    };
    if (signal.aborted) return end();
    signal.addEventListener("abort", end);
    ctx.hangs.add(end);
    ctx.stats.hangingRequests = ctx.hangs.size;
  });
}

// Waits `ms`, or less when the client gives up first; true when the whole wait ran.
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = (completed: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", aborted);
      resolve(completed);
    };
    const aborted = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener("abort", aborted);
  });
}

// The real answer's status and headers with another body; its length is no longer the one the route set.
function reshape(res: Response, body: BodyInit | null): Response {
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  return new Response(body, { status: res.status, headers });
}

// The body followed by spaces up to `size` bytes (still the same JSON), streamed so nothing holds the whole of it.
function padded(text: string, size: number): ReadableStream<Uint8Array> {
  const head = new TextEncoder().encode(text);
  let sent = 0;
  const total = Math.max(size, head.length);
  return new ReadableStream({
    pull(controller) {
      if (sent < head.length) {
        controller.enqueue(head);
        sent = head.length;
      } else {
        const n = Math.min(CHUNK, total - sent);
        controller.enqueue(new Uint8Array(n).fill(0x20));
        sent += n;
      }
      if (sent >= total) controller.close();
    },
  });
}

// CR, LF and NUL in the middle of a token: it can no longer travel in an Authorization header.
function withControlCharacters(token: string): string {
  const middle = Math.floor(token.length / 2);
  return `${token.slice(0, middle)}\r\nX-Injected: 1\u0000${token.slice(middle)}`;
}

async function mangle(fault: QueuedFault, res: Response): Promise<Response> {
  if (fault.kind === "huge") return reshape(res, padded(await res.text(), fault.sizeBytes ?? 5 * 1_048_576));
  const text = await res.text();
  if (fault.kind === "truncated") return reshape(res, text.slice(0, Math.floor(text.length / 2)));
  if (fault.kind === "expires-in") {
    // The token bodies print expires_in as a plain integer in both servers' formats.
    return reshape(res, text.replace(/("expires_in"\s*:\s*)-?\d+/, (_, key: string) => `${key}${JSON.stringify(fault.expiresIn)}`));
  }
  const field = fault.field ?? "access_token";
  const pattern = new RegExp(`("${field}"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*")`);
  return reshape(
    res,
    text.replace(pattern, (_, key: string, value: string) => `${key}${JSON.stringify(withControlCharacters(JSON.parse(value)))}`),
  );
}

async function serve(ctx: EmulatorContext, c: Context, fault: QueuedFault, next: () => Promise<void>): Promise<Response | undefined> {
  const signal = c.req.raw.signal;
  switch (fault.kind) {
    case "hang":
      return await hang(ctx, signal);
    case "latency":
      if (!(await pause(fault.latencyMs ?? 1000, signal))) return serverError(503);
      await next();
      return undefined;
    case "redirect": {
      const url = new URL(c.req.url);
      const location = fault.location ?? `http://127.0.0.1:9${url.pathname}${url.search}`;
      return new Response(null, { status: fault.status ?? 307, headers: { location, "cache-control": "no-store" } });
    }
    case "html":
      return akamaiAccessDenied(realURL(c.req.path), fault.status ?? 403);
    case "status":
      return serverError(fault.status ?? 503);
    case "empty":
      return jsonText(fault.status ?? 200, "");
    default:
      await next();
      c.res = await mangle(fault, c.res);
      return undefined;
  }
}

/**
 * Mounts the counting and fault-injecting middleware; it must be mounted before every route.
 *
 * @example
 * mountFaults(app, ctx);
 */
export function mountFaults(app: Hono, ctx: EmulatorContext): void {
  app.use("*", async (c, next) => {
    const kind = classify(c.req.method, c.req.path);
    if (kind === "admin") return next();
    if (kind === "token") ctx.stats.tokenRequests++;
    if (kind === "api") ctx.stats.apiRequests++;
    const fault = ctx.takeFault(kind);
    if (!fault) return next();
    return await serve(ctx, c, fault, next);
  });
}

// The served emulator answers only to its own loopback host names (DNS rebinding); the in-process fetch answers any host.

import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/mod.ts";
import type { RunningEmulator } from "../../emulator/mod.ts";
import { inProcess } from "./_flow.ts";

let running: RunningEmulator;
let port: number;

beforeAll(async () => {
  running = await startEmulator({ port: 0 });
  port = Number(new URL(running.url).port);
});
afterAll(async () => {
  await running.close();
});

// fetch() does not let a caller choose the Host header, a browser after a DNS rebinding does: node:http can.
function withHost(host: string, path: string, method = "GET", body?: string): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host };
    if (body !== undefined) headers["content-type"] = "application/json";
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("Host check of the served emulator", () => {
  it("answers its own loopback names on its own port", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await withHost(host, "/__emulator/stats")).status, host).toBe(200);
    }
  });

  it("refuses a rebound name, another port or a missing port with 421 before any route runs", async () => {
    for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, "127.0.0.1", `127.0.0.1.evil.example:${port}`, `[::2]:${port}`]) {
      const res = await withHost(host, "/__emulator/config", "POST", JSON.stringify({ autoApprove: true }));
      expect(res.status, host).toBe(421);
      expect(res.type).toBe("text/plain; charset=utf-8");
      expect(res.text).toBe("Misdirected Request: this emulator answers only to 127.0.0.1, localhost or [::1] on its own port.");
    }
    // The refused POST changed nothing.
    expect(running.emulator.config().autoApprove).toBe(false);
    expect((await withHost(`evil.example:${port}`, "/v1/oauth/authorize?client_id=x")).status).toBe(421);
  });

  it("leaves the in-process fetch open to any host, as tests and workerd call it", async () => {
    const { call } = inProcess();
    expect((await call("/__emulator/stats")).status).toBe(200);
    expect((await running.emulator.fetch(new Request("http://emulator.test/__emulator/stats"))).status).toBe(200);
  });
});

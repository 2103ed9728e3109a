// The ports tests pick for servers that must name their port before they bind (a redirect URI
// carries it) lie outside the range the OS gives out for port 0 and for outgoing connections, so
// nothing a test running alongside starts can take one between the pick and the bind.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "./port.ts";

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    return [low, high];
  } catch {
    return [49152, 65535]; // IANA's dynamic range, used by macOS and Windows
  }
}

describe("freePort", () => {
  it("picks ports outside the range the OS hands out, each free to bind on 127.0.0.1", async () => {
    const [low, high] = ephemeralRange();
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      expect(port < low || port > high, `${port} lies in the ephemeral range ${low}-${high}`).toBe(true);
      const server = createServer();
      await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("passes over a port that is taken", async () => {
    const taken = new Set<number>();
    const servers = [];
    // Hold 50 ports it could pick; the next picks must avoid every one of them.
    for (let i = 0; i < 50; i++) {
      const port = await freePort();
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      servers.push(server);
      taken.add(port);
    }
    try {
      for (let i = 0; i < 20; i++) expect(taken.has(await freePort())).toBe(false);
    } finally {
      for (const server of servers) server.close();
    }
  });
});

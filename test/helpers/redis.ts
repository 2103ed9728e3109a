// Gives Redis tests a real server on 127.0.0.1: CI's (TDAUTH_REDIS_URL), else a private
// redis-server child that lives as long as the test file. Without either the tests skip (tools.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { createConnection } from "node:net";
import { randomBytes } from "node:crypto";
import { toolOrSkip } from "./tools.ts";
import { freePort } from "./port.ts";

export interface TestRedis {
  url: string;
  /** Stops the server this helper started; a no-op for CI's server. */
  stop(): Promise<void>;
}

/**
 * Whether Redis tests can run: TDAUTH_REDIS_URL names a server, or redis-server is installed.
 * Otherwise the skip is recorded (or, when tools are required, thrown).
 */
export function haveRedis(): boolean {
  return Boolean(process.env.TDAUTH_REDIS_URL) || toolOrSkip("redis-server", "Redis tests") !== null;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * A Redis server for tests, or null when none can be had (the skip is recorded; the caller skips).
 * @example
 * ```ts
 * const redis = await startTestRedis();
 * afterAll(() => redis?.stop());
 * ```
 */
export async function startTestRedis(): Promise<TestRedis | null> {
  const fromEnv = process.env.TDAUTH_REDIS_URL;
  if (fromEnv) return { url: fromEnv, stop: async () => {} };
  const bin = toolOrSkip("redis-server", "Redis tests");
  if (bin === null) return null;
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`redis-server did not start on 127.0.0.1:${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A key prefix no other test (or a parallel test file on CI's shared server) uses. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomBytes(6).toString("hex")}:`;
}

/** The two client libraries tdauth supports, created and closed the same way. */
export type ClientLib = "ioredis" | "node-redis";

export interface AnyClient {
  client: unknown;
  raw: {
    get(k: string): Promise<string | null>;
    set(k: string, v: string): Promise<unknown>;
    del(k: string): Promise<unknown>;
    pttl(k: string): Promise<number>;
  };
  close(): Promise<void>;
}

/**
 * Connects with either library; `raw` gives the few commands tests use to look behind the adapter.
 * @example
 * ```ts
 * const { client, raw, close } = await connect("ioredis", url);
 * ```
 */
export async function connect(lib: ClientLib, url: string): Promise<AnyClient> {
  if (lib === "ioredis") {
    const { Redis } = await import("ioredis");
    const c = new Redis(url, { maxRetriesPerRequest: 1 });
    return {
      client: c,
      raw: { get: (k) => c.get(k), set: (k, v) => c.set(k, v), del: (k) => c.del(k), pttl: (k) => c.pttl(k) },
      close: () => Promise.resolve(void c.disconnect()),
    };
  }
  const { createClient } = await import("redis");
  const c = createClient({ url });
  await c.connect();
  return {
    client: c,
    raw: {
      get: async (k) => (await c.get(k)) as string | null,
      set: (k, v) => c.set(k, v),
      del: (k) => c.del(k),
      pttl: async (k) => Number(await c.pTTL(k)),
    },
    close: () => Promise.resolve(void c.destroy()),
  };
}

// One portable suite for FileStore and FileLock on node:fs as each runtime implements it, run
// natively on Node (vitest), Deno (Deno.test) and Bun (bun:test); each runtime's file registers
// these cases with its own runner.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { FileStore } from "../../../adapters/file/store.ts";
import { FileLock } from "../../../adapters/file/lock.ts";
import { LockTimeoutError, StoreError } from "../../../core/errors.ts";

/** A named test case; each runtime's file registers them with its own runner. */
export interface Case {
  name: string;
  fn: () => Promise<void>;
}

const runtime = (globalThis as { Deno?: unknown }).Deno ? "Deno" : (globalThis as { Bun?: unknown }).Bun ? "Bun" : "Node";
const marker = runtime.toUpperCase();

const tokens = {
  accessToken: `${marker}-ACCESS`,
  refreshToken: `${marker}-REFRESH`,
  tokenType: "Bearer",
  accessExpiresAt: Date.now() + 1_800_000,
  refreshExpiresAt: Date.now() + 86_400_000,
  authorizedAt: Date.now(),
};

async function inTempDir(prefix: string, work: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const cases: Case[] = [
  {
    name: `FileStore round-trips plain and encrypted files on ${runtime}`,
    fn: () =>
      inTempDir("tdauth-file-", async (dir) => {
        const plain = new FileStore(join(dir, "plain", "td_state.json"), { onWarning: () => {} });
        await plain.save(tokens);
        assert.deepEqual(await plain.load(), tokens);
        assert.equal(statSync(plain.path).mode & 0o777, 0o600);
        assert.equal(JSON.parse(readFileSync(plain.path, "utf8")).access_token, tokens.accessToken);
        const key = crypto.getRandomValues(new Uint8Array(32));
        const secret = new FileStore(join(dir, "secret.json"), { key, onWarning: () => {} });
        await secret.save(tokens);
        assert.ok(!readFileSync(secret.path, "utf8").includes(tokens.accessToken));
        assert.deepEqual(await secret.load(), tokens);
        await assert.rejects(new FileStore(secret.path, { key: new Uint8Array(32) }).load(), StoreError);
      }),
  },
  {
    name: `FileStore.clear() through a symlink removes the file it points to and keeps the link on ${runtime}`,
    fn: () =>
      inTempDir("tdauth-link-", async (dir) => {
        const target = join(dir, "target.json");
        const link = join(dir, "td_state.json");
        symlinkSync(target, link);
        const store = new FileStore(link, { onWarning: () => {} });
        await store.save(tokens);
        await store.clear();
        assert.throws(() => statSync(target));
        assert.ok(lstatSync(link).isSymbolicLink());
        await store.save(tokens);
        assert.equal(JSON.parse(readFileSync(target, "utf8")).access_token, tokens.accessToken);
      }),
  },
  {
    name: `FileLock acquires, excludes, heartbeats and releases on ${runtime}`,
    fn: () =>
      inTempDir("tdauth-file-", async (dir) => {
        const lock = new FileLock(join(dir, "x.lock"), { staleMs: 300 });
        const release = await lock.acquire();
        assert.equal(JSON.parse(readFileSync(lock.path, "utf8")).pid, process.pid);
        await assert.rejects(lock.acquire({ timeoutMs: 500 }), LockTimeoutError); // heartbeat outlives staleMs
        await release();
        await release();
        await (await lock.acquire({ timeoutMs: 100 }))();
      }),
  },
  {
    name: `FileLock judges the holder: a gone pid of this host at once, a live one never, another host's after staleMs on ${runtime}`,
    fn: () =>
      inTempDir("tdauth-takeover-", async (dir) => {
        const path = join(dir, "x.lock");
        const warnings: string[] = [];
        const onWarning = (m: string): void => void warnings.push(m);
        const record = (pid: number, host: string): string => JSON.stringify({ pid, host, token: "x", acquiredAt: 0, heartbeatAt: 0 });
        // No pid goes this high (Linux caps pids at 2^22, macOS at 99 999).
        writeFileSync(path, record(99_999_999, hostname()));
        await (await new FileLock(path, { staleMs: 60_000, onWarning }).acquire({ timeoutMs: 1000 }))();
        assert.match(warnings[0] ?? "", /its process is no longer running/);
        writeFileSync(path, record(process.pid, hostname()));
        await assert.rejects(new FileLock(path, { staleMs: 50, onWarning }).acquire({ timeoutMs: 300 }), LockTimeoutError);
        writeFileSync(path, record(process.pid, "elsewhere.example"));
        const future = new Date(Date.now() + 3_600_000);
        utimesSync(path, future, future);
        let t = 0;
        const monotonic = (): number => (t += 5000);
        await (await new FileLock(path, { staleMs: 60_000, monotonic, onWarning }).acquire({ timeoutMs: 1000 }))();
        assert.match(warnings[1] ?? "", /from pid \d+ on host elsewhere\.example: no heartbeat for/);
        assert.throws(() => statSync(path));
      }),
  },
  {
    name: `FileLock refuses a dangling symlink and a FIFO at the lock path at once on ${runtime}`,
    fn: () =>
      inTempDir("tdauth-hostile-", async (dir) => {
        const link = join(dir, "link.lock");
        symlinkSync(join(dir, "nowhere"), link);
        await assert.rejects(new FileLock(link).acquire({ timeoutMs: 300 }), (err: Error) => {
          assert.ok(err instanceof StoreError);
          assert.match(err.message, /is a symbolic link/);
          return true;
        });
        const fifo = join(dir, "fifo.lock");
        execFileSync("mkfifo", [fifo]);
        await assert.rejects(new FileLock(fifo).acquire({ timeoutMs: 300 }), /is a FIFO/);
      }),
  },
];

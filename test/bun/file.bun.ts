// FileStore and FileLock on Bun: node:fs as Bun implements it.
import { test } from "bun:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { FileStore } from "../../adapters/file/store.ts";
import { FileLock } from "../../adapters/file/lock.ts";
import { LockTimeoutError, StoreError } from "../../core/errors.ts";

const tokens = {
  accessToken: "BUN-ACCESS",
  refreshToken: "BUN-REFRESH",
  tokenType: "Bearer",
  accessExpiresAt: Date.now() + 1_800_000,
  refreshExpiresAt: Date.now() + 86_400_000,
  authorizedAt: Date.now(),
};

test("FileStore round-trips plain and encrypted files on Bun", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tdauth-bun-"));
  try {
    const plain = new FileStore(join(dir, "plain", "td_state.json"), { onWarning: () => {} });
    await plain.save(tokens);
    assert.deepEqual(await plain.load(), tokens);
    assert.equal(statSync(plain.path).mode & 0o777, 0o600);
    assert.equal(JSON.parse(readFileSync(plain.path, "utf8")).access_token, "BUN-ACCESS");
    const key = crypto.getRandomValues(new Uint8Array(32));
    const secret = new FileStore(join(dir, "secret.json"), { key, onWarning: () => {} });
    await secret.save(tokens);
    assert.ok(!readFileSync(secret.path, "utf8").includes("BUN-ACCESS"));
    assert.deepEqual(await secret.load(), tokens);
    await assert.rejects(new FileStore(secret.path, { key: new Uint8Array(32) }).load(), StoreError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("FileLock acquires, excludes, heartbeats and releases on Bun", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tdauth-bun-"));
  try {
    const lock = new FileLock(join(dir, "x.lock"), { staleMs: 300 });
    const release = await lock.acquire();
    assert.equal(JSON.parse(readFileSync(lock.path, "utf8")).pid, process.pid);
    await assert.rejects(lock.acquire({ timeoutMs: 500 }), LockTimeoutError); // heartbeat outlives staleMs
    await release();
    await release();
    await (await lock.acquire({ timeoutMs: 100 }))();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("FileLock takes over a stale lock and the old holder's release leaves it alone", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tdauth-takeover-"));
  try {
    const path = join(dir, "x.lock");
    const warnings: string[] = [];
    const onWarning = (m: string): void => void warnings.push(m);
    const stale = await new FileLock(path, { staleMs: 1000, now: () => Date.now() - 5000, onWarning }).acquire();
    const fresh = await new FileLock(path, { staleMs: 1000, onWarning }).acquire({ timeoutMs: 1000 });
    const record = readFileSync(path, "utf8");
    await stale();
    assert.equal(readFileSync(path, "utf8"), record);
    assert.ok(warnings.some((w) => w.includes("took over")));
    await fresh();
    assert.throws(() => statSync(path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

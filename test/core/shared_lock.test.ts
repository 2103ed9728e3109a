// Shared locks by default: sessions on one file share a lock whatever store object or process
// they are in (a FileStore brings a FileLock at <real path>.lock); a folder where no lock file can
// be made falls back to the in-process lock with one warning; FileLock expands `~`.
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/mod.ts";
import { FileLock } from "../../adapters/file/lock.ts";
import { FileStore } from "../../adapters/file/store.ts";
import { TDClient } from "../../adapters/local/mod.ts";
import { AuthSession } from "../../core/session.ts";
import { emulatorLogin, emulatorSchwab } from "../helpers/login.ts";
import { runWorker } from "./_processes.ts";

type Running = Awaited<ReturnType<typeof startEmulator>>;
let emu: Running;
let dir: string;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true, rotateRefreshTokens: true, reuseDetection: true });
  dir = mkdtempSync(join(tmpdir(), "tdauth-shared-"));
  chmodSync(dir, 0o755);
});
afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  emu.emulator.reset();
  emu.emulator.configure({ accessTokenLifetimeS: 1800 });
});

const quiet = { onWarning() {} };

describe("sessions on one file", () => {
  it("in one process, with two FileStore objects, refresh once (refresh tokens rotate, reuse is detected)", async () => {
    const path = join(dir, "one-process", "td_state.json");
    const a = new AuthSession({ provider: emulatorSchwab(emu.url), store: new FileStore(path, quiet) });
    await emulatorLogin(a);
    const b = new AuthSession({ provider: emulatorSchwab(emu.url), store: new FileStore(path, quiet) });
    await b.tokens();
    const before = emu.emulator.stats().refreshGrants;
    await Promise.all([a.refresh({ force: true }), b.refresh({ force: true })]);
    // The second forced refresh may run after the first (it saw the token the first replaced);
    // what matters is that no refresh token is spent twice.
    expect(emu.emulator.stats().refreshGrants - before).toBeLessThanOrEqual(2);
    expect(emu.emulator.stats().reuseDetections).toBe(0);
    expect((await a.status()).state).toBe("authenticated");
    expect((await b.status()).state).toBe("authenticated");
  });

  it("in one process, with two FileStore objects, make one refresh per expiry", async () => {
    const path = join(dir, "one-expiry", "td_state.json");
    emu.emulator.configure({ accessTokenLifetimeS: 2 });
    const a = new AuthSession({ provider: emulatorSchwab(emu.url), store: new FileStore(path, quiet) });
    await emulatorLogin(a);
    const b = new AuthSession({ provider: emulatorSchwab(emu.url), store: new FileStore(path, quiet) });
    await b.tokens();
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const before = emu.emulator.stats().refreshGrants;
    await Promise.all([...Array.from({ length: 10 }, () => a.accessToken()), ...Array.from({ length: 10 }, () => b.accessToken())]);
    expect(emu.emulator.stats().refreshGrants - before).toBe(1);
    expect(emu.emulator.stats().reuseDetections).toBe(0);
  });

  it("in two processes, each a plain new FileStore(path), never spend a refresh token twice", async () => {
    const path = join(dir, "two-processes", "td_state.json");
    emu.emulator.configure({ accessTokenLifetimeS: 2 });
    await emulatorLogin(new AuthSession({ provider: emulatorSchwab(emu.url), store: new FileStore(path, quiet) }));
    // Slow refreshes, so that both processes find the token due while the other's is in flight.
    emu.emulator.injectFault({ target: "token", kind: "latency", latencyMs: 300, count: null });
    const env = { WORKER_MODE: "tokens", WORKER_PATH: path, WORKER_EMULATOR: emu.url, WORKER_CALLS: "40", WORKER_GAP_MS: "100" };
    const results = await Promise.all([runWorker(env), runWorker(env)]);
    for (const r of results) {
      expect(r.error).toBeUndefined();
      expect(r.state).toBe("authenticated");
      expect(r.tokens).toBeGreaterThan(1);
    }
    expect(emu.emulator.stats().reuseDetections).toBe(0);
    expect(emu.emulator.stats().revokedGrants).toBe(0);
  }, 60_000);

  it("share the lock of the real file: a symlink's store locks beside its target", async () => {
    const real = join(dir, "real");
    mkdirSync(real, { recursive: true });
    symlinkSync(real, join(dir, "link"));
    const viaLink = new FileStore(join(dir, "link", "td_state.json"), quiet);
    expect(viaLink.lockKey).toBe(join(real, "td_state.json"));
    const release = await viaLink.defaultLock().acquire();
    try {
      expect(existsSync(join(real, "td_state.json.lock"))).toBe(true);
      // The same file through its real path is the same lock: it cannot be had now.
      const direct = new FileStore(join(real, "td_state.json"), quiet);
      expect(direct.defaultLock()).toBe(viaLink.defaultLock());
      await expect(new FileLock(join(real, "td_state.json.lock")).acquire({ timeoutMs: 0 })).rejects.toThrow(/Timed out/);
    } finally {
      await release();
    }
    expect(existsSync(join(real, "td_state.json.lock"))).toBe(false);
  });
});

describe("a folder where no lock file can be made", () => {
  it("falls back to the in-process lock with one warning; refreshed tokens stay in use though the save fails", async () => {
    const folder = join(dir, "read-only");
    const path = join(folder, "td_state.json");
    await emulatorLogin(new AuthSession({ provider: emulatorSchwab(emu.url), store: new FileStore(path, quiet) }));
    // Root writes anywhere: as root the worker runs as nobody, who may read the file but not write the folder.
    const root = process.getuid?.() === 0;
    if (root) chownSync(path, 65534, 65534);
    chmodSync(folder, 0o555);
    try {
      const result = await runWorker(
        { WORKER_MODE: "refresh-twice", WORKER_PATH: path, WORKER_EMULATOR: emu.url },
        root ? { uid: 65534, gid: 65534 } : {},
      );
      expect(result.warnings.filter((w) => /cannot create the lock file .*td_state\.json\.lock \(EACCES\)/.test(w))).toHaveLength(1);
      // Both refreshes worked and each threw the failed save; it was reported once as an event.
      expect(result.refreshErrors).toEqual(["StoreError", "StoreError"]);
      expect(result.events.filter((e) => e === "save_failed")).toHaveLength(1);
      expect(result.state).toBe("authenticated");
      expect(result.tokenIsNew).toBe(true);
      // The second refresh spent the refresh token the first one got (rotation), which was kept in memory.
      expect(emu.emulator.stats().reuseDetections).toBe(0);
      expect(emu.emulator.stats().refreshGrants).toBe(2);
    } finally {
      chmodSync(folder, 0o755);
    }
  }, 30_000);
});

describe("FileLock", () => {
  it("expands ~ as FileStore does", () => {
    expect(new FileLock("~/.td_python_api/td_state.json.lock").path).toBe(join(homedir(), ".td_python_api", "td_state.json.lock"));
    expect(new FileStore("~/.td_python_api/td_state.json", quiet).path).toBe(join(homedir(), ".td_python_api", "td_state.json"));
    expect(new FileLock("~").path).toBe(homedir());
  });
});

describe("TDClient({ multiprocessingSafe: false })", () => {
  it("keeps only the in-process lock, as the Python library did", async () => {
    const path = join(dir, "tdclient", "td_state.json");
    const provider = emulatorSchwab(emu.url);
    await emulatorLogin(new AuthSession({ provider, store: new FileStore(path, quiet) }));
    // Another process holds the file lock: a client without multiprocessingSafe does not wait for it.
    const held = await new FileLock(`${path}.lock`).acquire();
    try {
      const client = new TDClient({ provider, credentialsPath: path, log: () => {} });
      await expect(client.grabAccessToken()).resolves.toMatchObject({ logged_in: true });
      const safe = new TDClient({
        provider,
        credentialsPath: path,
        multiprocessingSafe: true,
        log: () => {},
        session: { lockTimeoutMs: 200 },
      });
      await expect(safe.grabAccessToken()).rejects.toThrow(/Timed out/);
    } finally {
      await held();
    }
  });
});

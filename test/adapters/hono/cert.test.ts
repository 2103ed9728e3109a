// The loopback certificate's files on disk: written through a temp file and a rename with mode
// 0600, never through a symbolic link, and a loosened key made private again with a warning.
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loopbackCertificate } from "../../../adapters/hono/cert.ts";

let dir: string;
let warnings: string[];
const onWarning = (m: string): void => void warnings.push(m);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tdauth-cert-"));
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const keyPath = (): string => join(dir, "certs", "loopback-key.pem");
const certPath = (): string => join(dir, "certs", "loopback-cert.pem");

describe("loopbackCertificate's files", () => {
  it("writes both files 0600 in a 0700 folder, leaves no temp file, and reads them back the next time", async () => {
    const first = await loopbackCertificate(join(dir, "certs"), Date.now(), { onWarning });
    expect(statSync(keyPath()).mode & 0o777).toBe(0o600);
    expect(statSync(certPath()).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "certs")).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, "certs")).sort()).toEqual(["loopback-cert.pem", "loopback-key.pem"]);
    expect(await loopbackCertificate(join(dir, "certs"), Date.now(), { onWarning })).toEqual(first);
    expect(warnings).toEqual([]);
  });

  it("replaces an unusable certificate by renaming a new file over it, not by writing into the old one", async () => {
    await loopbackCertificate(join(dir, "certs"), Date.now(), { onWarning });
    const before = statSync(keyPath()).ino;
    writeFileSync(certPath(), "not a certificate");
    const renewed = await loopbackCertificate(join(dir, "certs"), Date.now(), { onWarning });
    expect(statSync(keyPath()).ino).not.toBe(before);
    expect(readFileSync(keyPath(), "utf8")).toBe(renewed.key);
    expect(readdirSync(join(dir, "certs")).sort()).toEqual(["loopback-cert.pem", "loopback-key.pem"]);
  });

  it("refuses a symlink at the key's name instead of writing the private key into its target", async () => {
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "someone else's file\n");
    chmodSync(victim, 0o644);
    await loopbackCertificate(join(dir, "certs"), Date.now(), { onWarning }); // makes the folder
    rmSync(keyPath());
    symlinkSync(victim, keyPath());
    writeFileSync(certPath(), "not a certificate"); // forces a new key to be written
    await expect(loopbackCertificate(join(dir, "certs"), Date.now(), { onWarning })).rejects.toThrow(
      `The loopback certificate file ${keyPath()} is a symbolic link to ${victim}`,
    );
    expect(readFileSync(victim, "utf8")).toBe("someone else's file\n");
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  });

  it("refuses a symlink at the certificate's name, and a dangling one at the key's, creating nothing", async () => {
    await loopbackCertificate(join(dir, "certs"), Date.now(), { onWarning });
    rmSync(certPath());
    symlinkSync(join(dir, "elsewhere.pem"), certPath());
    await expect(loopbackCertificate(join(dir, "certs"), Date.now(), { onWarning })).rejects.toThrow(
      /loopback-cert\.pem is a symbolic link/,
    );
    rmSync(certPath());
    rmSync(keyPath());
    symlinkSync(join(dir, "planted-key.pem"), keyPath());
    await expect(loopbackCertificate(join(dir, "certs"), Date.now(), { onWarning })).rejects.toThrow(
      /Remove it \(rm ".*loopback-key\.pem"\)/,
    );
    expect(existsSync(join(dir, "planted-key.pem"))).toBe(false);
    expect(existsSync(join(dir, "elsewhere.pem"))).toBe(false);
  });

  it("makes a key that others could read 0600 again, with a warning like the credentials file's", async () => {
    await loopbackCertificate(join(dir, "certs"), Date.now(), { onWarning });
    chmodSync(keyPath(), 0o644);
    await loopbackCertificate(join(dir, "certs"), Date.now(), { onWarning });
    expect(statSync(keyPath()).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([`tdauth: ${keyPath()} was accessible by other users (mode 0644); changed it to 0600`]);
  });
});

// A self-signed certificate for the HTTPS loopback callback (Schwab only accepts https redirect
// URIs), made once with WebCrypto and kept 0600 beside the credentials.

import { lstat, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { tdauthHome } from "../file/_home.ts";
import { ensureFolder, entryKind, tightenFileMode, writeAtomic } from "../file/_fs.ts";
import type { TLSFiles } from "./_listen.ts";

const CERT_FILE = "loopback-cert.pem";
const KEY_FILE = "loopback-key.pem";
const DAY = 86_400_000;

/**
 * Where the certificate lives by default: tdauth's folder (`TDAUTH_HOME`, else `~/.td_python_api`).
 * @example
 * ```ts
 * defaultCertDir({ TDAUTH_HOME: "/srv/tdauth" }); // "/srv/tdauth"
 * ```
 */
export function defaultCertDir(env?: Record<string, string | undefined>): string {
  return tdauthHome(env);
}

/**
 * Where the certificate goes for a session: beside its credentials file when the store is a file
 * (`session.storePath`), else {@link defaultCertDir}.
 * @example
 * ```ts
 * certDirFor(session.storePath); // "/srv/app" for a FileStore at /srv/app/td_state.json
 * ```
 */
export function certDirFor(storePath: string | undefined): string {
  return storePath ? dirname(storePath) : defaultCertDir();
}

function pem(label: string, der: ArrayBuffer): string {
  const base64 = btoa(String.fromCharCode(...new Uint8Array(der))).replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${base64.trimEnd()}\n-----END ${label}-----\n`;
}

/**
 * Makes a self-signed ECDSA P-256 certificate for 127.0.0.1 and localhost, valid `days` days,
 * with the extensions browsers and curl accept for a server certificate.
 *
 * @example
 * ```ts
 * const { cert, key } = await createLoopbackCertificate();
 * ```
 */
export async function createLoopbackCertificate(days = 365, now: number = Date.now()): Promise<TLSFiles> {
  // @peculiar/x509 needs reflect-metadata loaded first; both are big, so only here.
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=127.0.0.1, O=tdauth loopback callback",
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + days * DAY),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: "ip", value: "127.0.0.1" }, { type: "dns", value: "localhost" }]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: certificate.toString("pem"), key: pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", keys.privateKey)) };
}

async function stillValid(certPEM: string, now: number): Promise<boolean> {
  await import("reflect-metadata");
  const { X509Certificate } = await import("@peculiar/x509");
  try {
    // Renew a week early so a login never meets an expired certificate.
    return new X509Certificate(certPEM).notAfter.getTime() - 7 * DAY > now;
  } catch {
    return false;
  }
}

/**
 * Options of {@link loopbackCertificate}.
 * @example
 * ```ts
 * const options: LoopbackCertificateOptions = { onWarning: (message) => log.warn(message) };
 * ```
 */
export interface LoopbackCertificateOptions {
  /** Called with a one-line message when the key file's mode was loosened and is fixed. Default `console.warn`. */
  onWarning?: (message: string) => void;
}

// The private key must never be written through a link into a file somebody else chose, nor read
// from one: both names must be plain files, or absent.
async function refuseLinks(paths: string[]): Promise<void> {
  for (const path of paths) {
    let st;
    try {
      st = await lstat(path);
    } catch (err) {
      if ((err as { code?: string }).code === "ENOENT") continue;
      throw err;
    }
    if (!st.isFile()) {
      throw new Error(
        `The loopback certificate file ${path} is ${entryKind(st, path)}: tdauth keeps the certificate and its private key only ` +
          `as plain files of its own. Remove it (rm "${path}") and run again, or pass your own certificate and key (tls).`,
      );
    }
  }
}

/**
 * The loopback certificate kept in `dir`: read when present and valid, else made and written
 * (each file to a temp file opened exclusively with mode 0600, then renamed into place; folder
 * 0700). A symbolic link (or anything but a plain file) at either name is refused; a key file
 * others may read is made 0600 with a warning.
 *
 * @example
 * ```ts
 * const tls = await loopbackCertificate();  // ~/.td_python_api/loopback-{cert,key}.pem
 * ```
 */
export async function loopbackCertificate(
  dir: string = defaultCertDir(),
  now: number = Date.now(),
  options: LoopbackCertificateOptions = {},
): Promise<TLSFiles> {
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const certPath = join(dir, CERT_FILE);
  const keyPath = join(dir, KEY_FILE);
  await refuseLinks([keyPath, certPath]);
  try {
    const [cert, key] = await Promise.all([readFile(certPath, "utf8"), readFile(keyPath, "utf8")]);
    if (await stillValid(cert, now)) {
      const warning = tightenFileMode(keyPath);
      if (warning !== undefined) warn(warning);
      return { cert, key };
    }
  } catch {
    // Missing or unreadable: make a new one below.
  }
  const files = await createLoopbackCertificate(365, now);
  await ensureFolder(dir);
  // Again just before writing; rename replaces a link that appears meanwhile, never follows it.
  await refuseLinks([keyPath, certPath]);
  await writeAtomic(keyPath, files.key);
  await writeAtomic(certPath, files.cert);
  return files;
}

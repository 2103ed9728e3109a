// Launches Debian's headless Chromium through playwright-core (never a downloaded browser), with
// the flags that work on these machines. Locally without chromium, tests skip; in CI they fail.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = process.env.TDAUTH_CHROMIUM ?? "/usr/bin/chromium";

/** True when Chromium can run here; in CI a missing browser is an error, not a skip. */
export function haveChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium (apt-get install chromium)`);
  console.warn(`skipping browser tests: ${CHROMIUM} is not installed (apt-get install chromium)`);
  return false;
}

/** A headless Chromium (playwright gives it a fresh profile); `trustSPKI` makes it accept exactly one self-signed certificate. */
export async function launchChromium(options: { trustSPKI?: string } = {}): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...(options.trustSPKI ? [`--ignore-certificate-errors-spki-list=${options.trustSPKI}`] : []),
    ],
  });
}

/** The base64 SHA-256 of a certificate's SubjectPublicKeyInfo, for --ignore-certificate-errors-spki-list. */
export async function spkiHash(certPEM: string): Promise<string> {
  const { X509Certificate, createHash } = await import("node:crypto");
  const spki = new X509Certificate(certPEM).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

/** A free TCP port on 127.0.0.1 (for redirect URIs that must name their port up front). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

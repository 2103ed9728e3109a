// Launches Debian's headless Chromium through playwright-core (never a downloaded browser), with
// the flags that work on these machines. Without chromium the browser tests skip (tools.ts decides).
import { type Browser, chromium } from "playwright-core";
import { findTool, toolOrSkip } from "./tools.ts";

/** True when Chromium can run here; otherwise the skip is recorded (or, when tools are required, thrown). */
export function haveChromium(): boolean {
  return toolOrSkip("chromium", "browser tests") !== null;
}

/** A headless Chromium (playwright gives it a fresh profile); `trustSPKI` makes it accept exactly one self-signed certificate. */
export async function launchChromium(options: { trustSPKI?: string } = {}): Promise<Browser> {
  return await chromium.launch({
    executablePath: findTool("chromium") ?? "chromium",
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

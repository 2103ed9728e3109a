// Keeps secrets out of messages: a token prints as its first four characters and a marker.

/**
 * Shows a secret as `abcd…(redacted)`, enough to tell two tokens apart and no more.
 * @example
 * ```ts
 * redact("I0.b2F1dGgy..."); // "I0.b…(redacted)"
 * ```
 */
export function redact(secret: string | undefined | null): string {
  if (!secret) return "(none)";
  return `${secret.slice(0, 4)}…(redacted)`;
}

/** Replaces every occurrence of each secret in text, and cuts the text to `max` characters. */
export function scrub(text: string, secrets: ReadonlyArray<string | undefined>, max = 300): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    out = out.split(secret).join(redact(secret));
    // Servers may echo a secret percent-encoded.
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(redact(secret));
  }
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

/**
 * Masks an identifier that is not secret but need not be shown whole (a client id or app key).
 * @example
 * ```ts
 * maskId("ABCDEFGHIJKL"); // "ABCD…IJKL"
 * ```
 */
export function maskId(id: string): string {
  return id.length <= 8 ? `${id.slice(0, 2)}…` : `${id.slice(0, 4)}…${id.slice(-4)}`;
}

// Randomness and PKCE (RFC 7636) from WebCrypto only, so every runtime computes them the same way.

/** Fills a buffer with random bytes; injectable so tests can be deterministic. */
export type RandomSource = (bytes: Uint8Array) => Uint8Array;

/** The platform's CSPRNG. */
export const cryptoRandom: RandomSource = (bytes) => {
  // The cast satisfies newer lib typings, which want a buffer that is not shared.
  crypto.getRandomValues(bytes as Uint8Array<ArrayBuffer>);
  return bytes;
};

/** Lowercase hex of bytes (a lock owner's token, a digest in a key name). */
export function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** `byteLength` random bytes as lowercase hex, from the platform CSPRNG. */
export function randomHex(byteLength: number): string {
  return hex(cryptoRandom(new Uint8Array(byteLength)));
}

/** base64 (RFC 4648 §4), as HTTP Basic authentication uses it; for short inputs (credentials, digests). */
export function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** base64url without padding (RFC 4648 §5), as PKCE and `state` use it. */
export function base64url(bytes: Uint8Array): string {
  return base64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A random string of `byteLength` bytes, base64url: 32 bytes give 256 bits, above the 128 RFC 9700 asks. */
export function randomString(random: RandomSource, byteLength = 32): string {
  return base64url(random(new Uint8Array(byteLength)));
}

/** The S256 code challenge of a verifier (RFC 7636 §4.2). */
export async function codeChallengeS256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** Compares two strings in time that depends only on their lengths, so `state` leaks nothing by timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  // Past the end charCodeAt gives NaN, which `| 0` makes 0: both strings are walked to the longer length.
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

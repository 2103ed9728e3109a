// The one parser of a 32-byte key (FileStore's `key` and TDAUTH_KEY, the Worker's cookie key):
// bytes, 64 hex digits, or base64/base64url of 32 bytes. Web APIs only, so a Worker can use it.

function fromBase64(text: string): Uint8Array | undefined {
  const normal = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(normal)) return undefined;
  try {
    const bin = atob(normal + "=".repeat((4 - (normal.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/**
 * A 32-byte key from bytes, 64 hex digits, or base64/base64url of 32 bytes. `name` is how the
 * caller knows the value ("options.key", "TDAUTH_KEY"); the value itself is never in the message.
 *
 * @example
 * ```ts
 * const key = parseKey(process.env.TDAUTH_KEY, "TDAUTH_KEY");
 * ```
 */
export function parseKey(key: Uint8Array | string, name: string): Uint8Array {
  if (key instanceof Uint8Array) {
    if (key.length !== 32) throw new TypeError(`${name} must be 32 bytes, got ${key.length}`);
    return new Uint8Array(key);
  }
  if (typeof key !== "string") throw new TypeError(`${name} must be a Uint8Array or a string`);
  const text = key.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) {
    return Uint8Array.from({ length: 32 }, (_, i) => parseInt(text.slice(i * 2, i * 2 + 2), 16));
  }
  const bytes = fromBase64(text);
  if (bytes === undefined || bytes.length !== 32) {
    throw new TypeError(
      `${name} must be 32 bytes as 64 hex digits or base64/base64url (e.g. from \`openssl rand -base64 32\`)`,
    );
  }
  return bytes;
}

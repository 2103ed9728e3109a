// Encryption at rest for FileStore: key parsing and a compact JWE (dir + A256GCM) through jose.

/** Looks like a compact JWE: five base64url parts, the one with the key empty (alg "dir"). */
const JWE_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Whether a file's text is a compact JWE rather than JSON.
 *
 * @example
 * ```ts
 * if (looksEncrypted(text)) await decryptText(text, key);
 * ```
 */
export function looksEncrypted(text: string): boolean {
  return JWE_SHAPE.test(text.trim());
}

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

/**
 * Encrypts text as a compact JWE. jose is imported on first use so that stores without a key
 * never load it.
 *
 * @example
 * ```ts
 * const jwe = await encryptText(JSON.stringify(json), key);
 * ```
 */
export async function encryptText(text: string, key: Uint8Array): Promise<string> {
  const { CompactEncrypt } = await import("jose");
  return await new CompactEncrypt(new TextEncoder().encode(text))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", cty: "json" })
    .encrypt(key);
}

/**
 * Decrypts a compact JWE made by {@link encryptText}; throws (jose's error) on a wrong key or a
 * damaged file.
 *
 * @example
 * ```ts
 * const text = await decryptText(jwe, key);
 * ```
 */
export async function decryptText(jwe: string, key: Uint8Array): Promise<string> {
  const { compactDecrypt } = await import("jose");
  const { plaintext } = await compactDecrypt(jwe.trim(), key, {
    keyManagementAlgorithms: ["dir"],
    contentEncryptionAlgorithms: ["A256GCM"],
  });
  return new TextDecoder().decode(plaintext);
}

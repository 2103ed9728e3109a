// Encryption at rest for FileStore: a compact JWE (dir + A256GCM) through jose. Keys are parsed by
// adapters/_shared/key.ts, as the Worker's cookie key is.

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

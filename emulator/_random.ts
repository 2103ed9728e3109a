// Realistic random codes and tokens (WebCrypto only), shaped like the real servers' so clients must decode exactly once.

/**
 * `n` bytes from the platform CSPRNG.
 *
 * @example
 * const nonce = randomBytes(16);
 */
export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/**
 * Standard base64 with padding (RFC 4648 §4): the alphabet TD codes and tokens use.
 *
 * @example
 * base64(new Uint8Array([251, 255])); // "+/8="
 */
export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * base64url without padding (RFC 4648 §5).
 *
 * @example
 * base64url(new Uint8Array([251, 255])); // "-_8"
 */
export function base64url(bytes: Uint8Array): string {
  return base64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * An opaque random identifier (256 bits, base64url).
 *
 * @example
 * const nonce = randomId();
 */
export function randomId(): string {
  return base64url(randomBytes(32));
}

/**
 * A random RFC 4122 version-4 UUID, as Schwab's `session` parameter and error ids look.
 *
 * @example
 * uuid(); // "46b905a8-cd91-4f55-9e20-58ad34980ca9"
 */
export function uuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Plants `+` and `/` so every TD string needs percent-encoding, whatever the random bytes were.
function tdBase64(byteLength: number): string {
  const chars = [...base64(randomBytes(byteLength))];
  chars[7] = "+";
  chars[19] = "/";
  return chars.join("");
}

/**
 * A TD-style authorization code: base64 with `+`, `/`, `=` and an `@`, so the redirect shows %2B %2F %3D %40.
 *
 * @example
 * tdCode(); // "Gw3R0a+AbC...x/...@K3j...=="
 */
export function tdCode(): string {
  return `${tdBase64(96)}@${base64(randomBytes(16))}`;
}

/**
 * A TD-style access or refresh token: a long base64 string containing `+`, `/` and `=` padding.
 *
 * @example
 * tdToken(512).endsWith("="); // true
 */
export function tdToken(byteLength: number): string {
  // Lengths that are not a multiple of 3 always end in padding.
  return tdBase64(byteLength % 3 === 0 ? byteLength + 1 : byteLength);
}

/**
 * A Schwab-style authorization code `C0.<base64url host>.<random>@`.
 *
 * @example
 * schwabCode(); // "C0.b2F1dGgyLmJkYy5zY2h3YWIuY29t.BCJ9qoH9...@"
 */
export function schwabCode(): string {
  return `C0.b2F1dGgyLmJkYy5zY2h3YWIuY29t.${base64url(randomBytes(32))}@`;
}

/**
 * A Schwab-style token `I0.<base64url host>.<random>@`.
 *
 * @example
 * schwabToken(); // "I0.b2F1dGgyLmNkYy5zY2h3YWIuY29t.Xy...@"
 */
export function schwabToken(): string {
  return `I0.b2F1dGgyLmNkYy5zY2h3YWIuY29t.${base64url(randomBytes(48))}@`;
}

/**
 * A JWT-shaped id_token (unsigned filler signature): clients store it, none should trust it.
 *
 * @example
 * const idToken = schwabIdToken("APPKEY", 1_700_000_000);
 */
export function schwabIdToken(clientId: string, nowS: number): string {
  const encode = (value: object): string => base64url(new TextEncoder().encode(JSON.stringify(value)));
  const header = encode({ alg: "RS256", typ: "JWT" });
  const payload = encode({ iss: "https://api.schwabapi.com", aud: clientId, sub: uuid(), iat: nowS, exp: nowS + 3600 });
  return `${header}.${payload}.${base64url(randomBytes(64))}`;
}

/**
 * Lowercase hex SHA-256 of a string: lets an error body name a token without containing it.
 *
 * @example
 * await sha256Hex("abc"); // "ba7816bf..."
 */
export async function sha256Hex(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
  return [...digest].map((x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * Standard base64 of the SHA-256 of a string, as Schwab's `tokenDigest` names a refresh token without containing it.
 *
 * @example
 * await sha256Base64("abc"); // "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
 */
export async function sha256Base64(value: string): Promise<string> {
  return base64(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value))));
}

/**
 * The PKCE S256 challenge of a verifier (RFC 7636 §4.2).
 *
 * @example
 * await s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); // "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
 */
export async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/**
 * Compares secrets in time that depends only on their lengths.
 *
 * @example
 * constantTimeEqual("a", "a"); // true
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

// The Worker's pending-login cookie: the state and PKCE verifier sealed in a JWE (dir + A256GCM)
// with an audience and an expiry, so the browser carries them and no KV write is needed per login.

import { EncryptJWT, jwtDecrypt } from "jose";
import type { PendingAuthorization } from "../../core/state_machine.ts";

/**
 * Name of the cookie.
 * @example
 * ```ts
 * request.headers.get("cookie")?.includes(`${COOKIE}=`);
 * ```
 */
export const COOKIE = "tdauth_login";
/** Ties the JWE to this use, so nothing else sealed with the same key passes for a login. */
const AUDIENCE = "tdauth:worker-login";

/**
 * Seals a pending login for `maxAgeS` seconds.
 * @example
 * ```ts
 * const value = await sealPending(session.pendingAuthorization()!, key, 600, Date.now());
 * ```
 */
export async function sealPending(pending: PendingAuthorization, key: Uint8Array, maxAgeS: number, now: number): Promise<string> {
  const issued = Math.floor(now / 1000);
  return await new EncryptJWT({ pending: { ...pending } })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setAudience(AUDIENCE)
    .setIssuedAt(issued)
    .setExpirationTime(issued + maxAgeS)
    .encrypt(key);
}

/**
 * Opens a sealed pending login; throws when the cookie is forged, damaged, sealed with another
 * key, meant for something else, or expired.
 * @example
 * ```ts
 * const pending = await openPending(cookieValue, key, Date.now());
 * ```
 */
export async function openPending(sealed: string, key: Uint8Array, now: number): Promise<PendingAuthorization> {
  const { payload } = await jwtDecrypt(sealed, key, {
    audience: AUDIENCE,
    currentDate: new Date(now),
    keyManagementAlgorithms: ["dir"],
    contentEncryptionAlgorithms: ["A256GCM"],
    requiredClaims: ["exp"],
  });
  const p = payload.pending as Partial<PendingAuthorization> | undefined;
  if (
    !p || typeof p.state !== "string" || typeof p.redirectURI !== "string" || typeof p.createdAt !== "number" ||
    (p.codeVerifier !== undefined && typeof p.codeVerifier !== "string")
  ) {
    throw new TypeError("The login cookie does not hold a pending login.");
  }
  return {
    state: p.state,
    redirectURI: p.redirectURI,
    createdAt: p.createdAt,
    ...(p.codeVerifier ? { codeVerifier: p.codeVerifier } : {}),
  };
}

/**
 * The Set-Cookie value: HttpOnly (no script reads the verifier), Secure, SameSite=Lax (sent on
 * the provider's top-level redirect back, not on cross-site subrequests), short-lived.
 * @example
 * ```ts
 * headers.set("set-cookie", setCookie(value, 600)); // setCookie("", 0) clears it
 * ```
 */
export function setCookie(value: string, maxAgeS: number): string {
  return `${COOKIE}=${value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${maxAgeS}`;
}

/**
 * The cookie's value in a request, if any.
 * @example
 * ```ts
 * const sealed = readCookie(request);
 * ```
 */
export function readCookie(request: Request): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === COOKIE) return value.join("=");
  }
  return undefined;
}

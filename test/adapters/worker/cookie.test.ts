// The Worker's pending-login cookie: sealed, bound to its purpose, short-lived; the key's
// value never appears in an error.
import { EncryptJWT } from "jose";
import { describe, expect, it } from "vitest";
import { openPending, readCookie, sealPending, setCookie } from "../../../adapters/worker/_cookie.ts";

const key = crypto.getRandomValues(new Uint8Array(32));
const pending = {
  state: "S".repeat(43),
  codeVerifier: "V".repeat(43),
  redirectURI: "https://w.example/callback",
  createdAt: 1_800_000_000_000,
};
const now = pending.createdAt;

describe("the pending-login cookie", () => {
  it("round-trips the state and verifier, which do not appear in the sealed value", async () => {
    const sealed = await sealPending(pending, key, 600, now);
    expect(sealed).not.toContain(pending.state);
    expect(sealed).not.toContain(btoa(pending.codeVerifier).slice(0, 20));
    expect(await openPending(sealed, key, now + 599_000)).toEqual(pending);
  });

  it("refuses it after Max-Age, under another key, altered, or sealed for another purpose", async () => {
    const sealed = await sealPending(pending, key, 600, now);
    await expect(openPending(sealed, key, now + 601_000)).rejects.toThrow(/exp/);
    await expect(openPending(sealed, crypto.getRandomValues(new Uint8Array(32)), now)).rejects.toThrow();
    const parts = sealed.split(".");
    parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith("A") ? "B" : "A"}A`;
    await expect(openPending(parts.join("."), key, now)).rejects.toThrow();
    const other = await new EncryptJWT({ pending }).setProtectedHeader({ alg: "dir", enc: "A256GCM" }).setAudience("something-else")
      .setExpirationTime(Math.floor(now / 1000) + 600).encrypt(key);
    await expect(openPending(other, key, now)).rejects.toThrow(/aud/);
  });

  it("is HttpOnly, Secure, SameSite=Lax, Path=/ with a short Max-Age, and is read back by name", () => {
    expect(setCookie("v", 600)).toBe("tdauth_login=v; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=600");
    const request = new Request("https://w.example/callback", { headers: { cookie: "a=1; tdauth_login=x.y=z; b=2" } });
    expect(readCookie(request)).toBe("x.y=z");
    expect(readCookie(new Request("https://w.example/"))).toBeUndefined();
  });
});

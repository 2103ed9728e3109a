// The one 32-byte key parser, as FileStore (options.key, TDAUTH_KEY) and the Worker's cookie key use it.
import { describe, expect, it } from "vitest";
import { parseKey } from "../../../adapters/_shared/key.ts";

const key = crypto.getRandomValues(new Uint8Array(32));
const base64 = btoa(String.fromCharCode(...key));

describe("parseKey", () => {
  it("takes 32 bytes, 64 hex digits, base64 or base64url, surrounding white space ignored", () => {
    expect(parseKey(key, "options.key")).toEqual(key);
    expect(parseKey(Array.from(key, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase(), "TDAUTH_KEY")).toEqual(key);
    expect(parseKey(` ${base64}\n`, "TDAUTH_KEY")).toEqual(key);
    expect(parseKey(base64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""), "TDAUTH_KEY")).toEqual(key);
  });
  it("copies bytes, so the caller's buffer can be wiped", () => {
    const copy = parseKey(key, "options.key");
    expect(copy).not.toBe(key);
  });
  it("refuses any other length or text, naming the value's name and never the value", () => {
    const short = btoa("sixteen-byte-key");
    expect(() => parseKey(short, "TDAUTH_KEY")).toThrow(/TDAUTH_KEY must be 32 bytes/);
    expect(() => parseKey(short, "TDAUTH_KEY")).not.toThrow(new RegExp(short));
    expect(() => parseKey(new Uint8Array(16), "options.key")).toThrow(/options.key must be 32 bytes, got 16/);
    expect(() => parseKey("not a key at all", "TDAUTH_KEY")).toThrow(TypeError);
    expect(() => parseKey(42 as never, "TDAUTH_KEY")).toThrow(/a Uint8Array or a string/);
  });
});

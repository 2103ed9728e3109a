// Every shape a pasted callback comes in, decoded exactly once.
import { describe, expect, it } from "vitest";
import { parseCallback } from "../../core/callback.ts";
import { checkCallback, foreignCallback } from "../../core/callback_check.ts";
import { AuthorizationError } from "../../core/errors.ts";
import { oauth2 } from "../../core/providers/oauth2.ts";

describe("parseCallback", () => {
  it("reads code and state from a full redirect URL", () => {
    const p = parseCallback("https://127.0.0.1:8182/?code=C0.abc.def%40&session=46b9&state=xyz");
    expect(p).toMatchObject({ kind: "url", code: "C0.abc.def@", state: "xyz" });
    expect(p.params.session).toBe("46b9");
  });
  it("finds code when it is not the first parameter (the Python library took the first value)", () => {
    expect(parseCallback("https://localhost/?state=abc&code=XYZ").code).toBe("XYZ");
  });
  it("decodes a percent-encoded TD code exactly once", () => {
    expect(parseCallback("https://localhost/?code=AB%2BCD%2Fef%3D%3D").code).toBe("AB+CD/ef==");
    // %2540 is an encoded "%40": decoding twice would wrongly give "@".
    expect(parseCallback("https://localhost/?code=A%2540").code).toBe("A%40");
  });
  it("keeps a literal + as + (URLSearchParams would make it a space)", () => {
    expect(parseCallback("https://localhost/?code=XY+Z%40AMER").code).toBe("XY+Z@AMER");
  });
  it("accepts a bare code, encoded or already decoded", () => {
    expect(parseCallback("AB%2BCD").code).toBe("AB+CD");
    expect(parseCallback("AB+CD/ef==@AMER")).toMatchObject({ kind: "code", code: "AB+CD/ef==@AMER" });
  });
  it("accepts a query string with or without ?", () => {
    expect(parseCallback("?code=a&state=b")).toMatchObject({ code: "a", state: "b" });
    expect(parseCallback("state=b&code=a")).toMatchObject({ code: "a", state: "b" });
  });
  it("trims white space and quotes around a paste", () => {
    expect(parseCallback('  "https://127.0.0.1/?code=a&state=b"\n').code).toBe("a");
  });
  it("reports an error= callback", () => {
    expect(parseCallback("https://127.0.0.1/?error=access_denied&error_description=User+denied&state=s")).toMatchObject({
      error: "access_denied",
      state: "s",
    });
  });
  it("ignores a #fragment", () => {
    expect(parseCallback("https://127.0.0.1/?code=a#frag").code).toBe("a");
  });
  for (
    const [input, message] of [
      ["", /Nothing was pasted/],
      ["https://127.0.0.1/?session=1", /no code parameter/],
      ["https://127.0.0.1/?code=", /empty/],
      ["https://127.0.0.1/?code=a&code=b", /twice/],
      ["https://127.0.0.1/?code=%E0%A4%A", /percent-encoding/],
      ["not a code", /spaces/],
    ] as const
  ) {
    it(`rejects ${JSON.stringify(input)} with a clear message`, () => {
      expect(() => parseCallback(input)).toThrow(AuthorizationError);
      expect(() => parseCallback(input)).toThrow(message);
    });
  }
});

describe("checkCallback (the pure decision of complete())", () => {
  const provider = oauth2({
    clientId: "app",
    redirectURI: "http://127.0.0.1:8182/cb",
    authorizationEndpoint: "https://as.example/authorize",
    tokenEndpoint: "https://as.example/token",
    issuer: "https://as.example",
  });
  const pending = { state: "S".repeat(43), redirectURI: "http://127.0.0.1:8182/cb", createdAt: 1_000 };
  const check = (callback: string, now = 2_000) => checkCallback(parseCallback(callback), pending, provider, now, 300_000);

  it("gives the code of a URL that carries this login's state and issuer", () => {
    expect(check(`http://127.0.0.1:8182/cb?code=C&state=${pending.state}&iss=https%3A%2F%2Fas.example`)).toEqual({ code: "C" });
  });
  it("takes a bare code pasted by hand without a state", () => {
    expect(check("C0DE")).toEqual({ code: "C0DE" });
  });
  it("refuses a URL with another state or none as foreign, before looking at anything else", () => {
    expect(check(`?code=C&state=${"T".repeat(43)}`)).toEqual({ foreign: expect.stringMatching(/state does not match.*still waiting/) });
    expect(check("?code=C&session=x")).toEqual({ foreign: expect.stringMatching(/no state parameter.*still waiting/) });
    // A forged error= answer, or one that comes too late, is still not this login's to end.
    expect(check("?error=access_denied&state=forged")).toEqual({ foreign: expect.stringMatching(/does not belong/) });
    expect(check("?code=C&state=forged", 1_000 + 300_001)).toEqual({ foreign: expect.stringMatching(/does not belong/) });
  });
  it("fails this login's callback from another issuer (RFC 9207), with an error= answer, or too late", () => {
    expect(check(`?code=C&state=${pending.state}&iss=https%3A%2F%2Fevil.example`)).toMatchObject({
      failure: expect.stringMatching(/RFC 9207/),
    });
    expect(check(`?error=access_denied&error_description=User+said+no&state=${pending.state}`)).toEqual({
      failure: "as.example refused the login: access_denied (User+said+no).",
      error: "access_denied",
    });
    expect(check("C0DE", 1_000 + 300_001)).toMatchObject({ failure: expect.stringMatching(/timed out after 300 s/) });
  });
  it("compares the state alone, so the CLI and the Worker can ask before anything is sent", () => {
    expect(foreignCallback(parseCallback(`?code=C&state=${pending.state}`), { state: pending.state })).toBeUndefined();
    expect(foreignCallback(parseCallback("C0DE"), { state: pending.state })).toBeUndefined();
    expect(foreignCallback(parseCallback(`?code=C&state=${pending.state}x`), { state: pending.state })).toMatch(/state does not match/);
  });
  it("throws when no login is pending, which is no failure of a login", () => {
    expect(() => checkCallback(parseCallback("C0DE"), undefined, provider, 0, 1)).toThrow(AuthorizationError);
  });
});

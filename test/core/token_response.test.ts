// What each kind of token-endpoint reply means.
import { describe, expect, it } from "vitest";
import { classifyTokenReply } from "../../core/token_response.ts";

const SCHWAB_DEAD =
  '{"error":"unsupported_token_type","error_description":"400 Bad Request: \\"{\\"error_description\\":\\"Exception while authenticating refresh token [tokenDigest=abc]\\",\\"error\\":\\"refresh_token_authentication_error\\"}\\""}';

describe("classifyTokenReply", () => {
  it("accepts a token response, numeric strings included", () => {
    const o = classifyTokenReply(200, null, '{"access_token":"a","expires_in":"1800","token_type":"Bearer","refresh_token":"r"}', 0);
    expect(o).toEqual({ kind: "ok", response: { access_token: "a", expires_in: 1800, token_type: "Bearer", refresh_token: "r" } });
  });
  it("treats 5xx and 429 as transient and reads Retry-After", () => {
    expect(classifyTokenReply(503, null, "", 0).kind).toBe("transient");
    expect(classifyTokenReply(429, "2", "", 0)).toMatchObject({ kind: "transient", retryAfterMs: 2000 });
  });
  it("TD's invalid_grant kills the grant", () => {
    expect(classifyTokenReply(400, null, '{\n  "error" : "invalid_grant"\n}', 0)).toMatchObject({
      kind: "rejected",
      error: "invalid_grant",
      grantDead: true,
    });
  });
  it("Schwab's refresh_token_authentication_error kills the grant", () => {
    expect(classifyTokenReply(400, null, SCHWAB_DEAD, 0)).toMatchObject({ kind: "rejected", grantDead: true });
  });
  it("invalid_request does not kill the grant", () => {
    expect(classifyTokenReply(400, null, '{"error":"invalid_request"}', 0)).toMatchObject({ kind: "rejected", grantDead: false });
  });
  it.each([
    [403, "<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD></HTML>", /Access Denied/],
    [200, "", /empty body/],
    [200, "[1]", /not an object/],
    [200, '{"token_type":"Bearer","expires_in":1800}', /without access_token/],
    [200, '{"access_token":"a","expires_in":"soon"}', /expires_in/],
    [200, '{"access_token":"a","expires_in":-5}', /expires_in/],
    [200, '{"access_token":"a","expires_in":60,"token_type":"mac"}', /token_type "mac"/],
  ])("rejects HTTP %i %j as not a token response", (status, body, detail) => {
    const o = classifyTokenReply(status, null, body, 0);
    expect(o.kind).toBe("invalid");
    expect(o.kind === "invalid" && o.detail).toMatch(detail);
  });
});

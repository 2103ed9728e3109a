// The one loopback host set, as redirect URIs, token endpoints, run()'s hostname and Host headers spell it.
import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "../../core/loopback.ts";

describe("isLoopbackHost", () => {
  it("accepts 127.0.0.1, ::1 with or without brackets, and localhost in any case", () => {
    for (const host of ["127.0.0.1", "::1", "[::1]", "localhost", "LocalHost"]) expect(isLoopbackHost(host), host).toBe(true);
  });
  it("refuses every other name, including look-alikes", () => {
    for (const host of ["127.0.0.2", "0.0.0.0", "example.com", "localhost.example.com", "127.0.0.1.nip.io", "[::2]", ""]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

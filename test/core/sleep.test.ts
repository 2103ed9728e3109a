// The one abortable wait (lock polls, backoffs) and the randomness helpers beside it.
import { describe, expect, it } from "vitest";
import { sleep } from "../../core/_sleep.ts";
import { hex, randomHex } from "../../core/_random.ts";

describe("sleep", () => {
  it("resolves after the time given", async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });
  it("rejects with the signal's reason, at once when it has already aborted, or as soon as it does", async () => {
    const reason = new Error("stop");
    await expect(sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });
  it("rejects with an AbortError when the signal gives no reason", async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("hex and randomHex", () => {
  it("spell bytes as lowercase hex, two digits each", () => {
    expect(hex(new Uint8Array([0, 15, 255]))).toBe("000fff");
    expect(randomHex(16)).toMatch(/^[0-9a-f]{32}$/);
    expect(randomHex(16)).not.toBe(randomHex(16));
  });
});

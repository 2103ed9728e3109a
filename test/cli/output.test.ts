// The CLI's presentation helpers: relative and local times, the spinner (terminal only, no
// escape codes without colour), colour rules (NO_COLOR, not a terminal).
import { describe, expect, it } from "vitest";
import { localTime, relativeTime, terminal, when } from "../../cli/_output.ts";
import { startSpinner } from "../../cli/_spinner.ts";

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const sink = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (t: string) => chunks.push(t) } };
};

describe("relativeTime", () => {
  it.each([
    [NOW + 6 * 86_400_000, "in 6 days"],
    [NOW + 29 * 60_000 + 59_000, "in 29 minutes"],
    [NOW + 47 * 3_600_000, "in 47 hours"],
    [NOW + 49 * 3_600_000, "in 2 days"],
    [NOW - 90_000, "1 minute ago"],
    [NOW + 400, "now"],
    [NOW + 5_000, "in 5 seconds"],
  ])("%d → %s", (at, text) => {
    expect(relativeTime(at, NOW)).toBe(text);
  });

  it("when() gives local wall time and the relative form; unknown when absent", () => {
    expect(when(NOW + 6 * 86_400_000, NOW)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d.* \(in 6 days\)$/);
    expect(when(undefined, NOW)).toBe("unknown");
    expect(localTime(NOW)).toMatch(/^2026-11-2[78] \d\d:00/);
  });
});

describe("colour", () => {
  it("is used only on a terminal without NO_COLOR", () => {
    const tty = sink(true);
    expect(terminal(sink(true).stream, tty.stream, {}).red("x")).toBe("\x1b[31mx\x1b[39m");
    expect(terminal(sink(true).stream, tty.stream, { NO_COLOR: "1" }).red("x")).toBe("x");
    expect(terminal(sink(true).stream, sink(false).stream, {}).red("x")).toBe("x");
    expect(terminal(sink(true).stream, tty.stream, { TERM: "dumb" }).red("x")).toBe("x");
  });
});

describe("spinner", () => {
  it("prints its text once, with the time left, when stderr is not a terminal", () => {
    const err = sink(false);
    const io = terminal(sink(false).stream, err.stream, {});
    const spinner = startSpinner(io, "Waiting…", NOW + 300_000, () => NOW);
    spinner.log("a message");
    spinner.stop();
    expect(err.chunks.join("")).toBe("Waiting… (5:00 left)\na message\n");
  });

  it("redraws one line on a terminal, counting down, with no escape codes under NO_COLOR", async () => {
    const err = sink(true);
    const io = terminal(sink(true).stream, err.stream, { NO_COLOR: "1", LANG: "en_US.UTF-8" });
    let now = NOW;
    const spinner = startSpinner(io, "Waiting for the login in the browser…", NOW + 300_000, () => now);
    now += 61_000;
    await new Promise((r) => setTimeout(r, 250));
    spinner.log("Callback received.");
    spinner.stop();
    const text = err.chunks.join("");
    expect(text).not.toContain("\x1b");
    expect(text).toMatch(/^\r⠋ Waiting for the login in the browser… 5:00 left/);
    expect(text).toContain("3:59 left");
    expect(text).toMatch(/\r +\rCallback received\.\n/);
    expect(text.endsWith("\r")).toBe(true);
  });

  it("uses colour on a terminal without NO_COLOR", () => {
    const err = sink(true);
    const spinner = startSpinner(terminal(sink(true).stream, err.stream, { LANG: "C.UTF-8" }), "Waiting…", NOW + 10_000, () => NOW);
    spinner.stop();
    expect(err.chunks[0]).toContain("\x1b[1m⠋\x1b[22m");
  });
});

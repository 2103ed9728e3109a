// printable(): what is left of hostile text once its escape sequences and control characters go.
import { describe, expect, it } from "vitest";
import { printable } from "../../../adapters/_shared/text.ts";

describe("printable", () => {
  it.each([
    ["an OSC title change and CSI colours", "invalid_grant\x1b]0;pwned\x07 (\x1b[31mred\x1b[0m)", "invalid_grant (red)"],
    ["a screen clear and a cursor move", "a\x1b[2J\x1b[1;1Hb", "ab"],
    ["an OSC 52 clipboard write ended by ST", "x\x1b]52;c;ZXZpbA==\x1b\\y", "xy"],
    ["a C1 CSI", "x\x9b31my", "xy"],
    ["NUL, BEL, backspace and DEL", "a\x00b\x07c\x08d\x7fe", "abcde"],
    ["bidi overrides", "file\u202Etxt.exe\u2066x\u2069", "filetxt.exex"],
    ["tabs and line breaks, as one space each run", "one\ttwo\r\nthree\n\nfour\rfive", "one two three four five"],
    [
      "plain text, untouched",
      "Schwab refused the refresh: invalid_grant (ü, 日本).",
      "Schwab refused the refresh: invalid_grant (ü, 日本).",
    ],
  ])("removes %s", (_what, input, expected) => {
    expect(printable(input)).toBe(expected);
  });

  it("keeps line breaks and tabs for a printer of several lines, and only the escape sequences it is told to keep", () => {
    // deno-lint-ignore no-control-regex
    const own = /\x1b\[(?:1|22)m/g;
    expect(printable("\x1b[1mtitle\x1b[22m\n\tline\r\n\x1b[8mhidden\x1b[0m\rback", { multiline: true, keep: own }))
      .toBe("\x1b[1mtitle\x1b[22m\n\tline\nhidden\nback");
  });
});

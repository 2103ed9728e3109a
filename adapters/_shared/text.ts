// Text from outside (a provider's error_description, a lock file's host name) made safe to show:
// no terminal escape sequence or control character reaches the CLI's output or a page. Web APIs
// only, so a Worker's pages use it too.

// ESC-introduced sequences whole (CSI `ESC [ … final`, OSC `ESC ] … BEL|ST`, two-byte `ESC X`) and
// C1 CSI, so that no "[2J" residue is left; then any other C0/C1 control character, and the
// Unicode bidi controls that can make text read other than it is stored.
// deno-lint-ignore no-control-regex
const ESCAPE_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\^_])?|\x9b[0-?]*[ -/]*[@-~]?/g;
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAKS = /[\t\n\r]+/g;

/**
 * `text` without escape sequences and control characters. Tabs and line breaks become one space,
 * unless `multiline` keeps `\n` and `\t` (for a printer of several lines). With `keep`, the
 * matches of that regular expression (global) survive untouched: the printer's own colours.
 *
 * @example
 * ```ts
 * printable("invalid_grant\x1b]0;pwned\x07 (\x1b[31mred\x1b[0m)"); // "invalid_grant (red)"
 * printable("a\nb");                                             // "a b"
 * ```
 */
export function printable(text: string, options: { multiline?: boolean; keep?: RegExp } = {}): string {
  const clean = (part: string): string => {
    const flat = options.multiline ? part.replace(/\r\n?/g, "\n") : part.replace(LINE_BREAKS, " ");
    return flat.replace(ESCAPE_SEQUENCE, "").replace(CONTROL, "");
  };
  if (options.keep === undefined) return clean(text);
  let out = "";
  let last = 0;
  for (const match of text.matchAll(options.keep)) {
    out += clean(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + clean(text.slice(last));
}

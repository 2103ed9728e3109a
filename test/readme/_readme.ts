// Reads the README's code blocks, so that the tests run what a reader copies.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT: string = new URL("../..", import.meta.url).pathname;
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** Every fenced block in `language`, with the line it starts on. */
export function codeBlocks(language: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  for (const match of README.matchAll(new RegExp("^```" + language + "\\n([\\s\\S]*?)^```$", "gm"))) {
    blocks.push({ line: README.slice(0, match.index).split("\n").length, code: match[1]! });
  }
  return blocks;
}

/** The commands of the ```sh block after `<!-- quick start: NAME -->`, one per line, comments dropped. */
export function quickStart(name: string): string[] {
  const marker = `<!-- quick start: ${name} -->`;
  const at = README.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const block = /```sh\n([\s\S]*?)```/.exec(README.slice(at))?.[1];
  if (block === undefined) throw new Error(`README.md has no sh block after ${marker}`);
  return block.split("\n").map((line) => line.replace(/\s+#.*$/, "").trim()).filter(Boolean);
}

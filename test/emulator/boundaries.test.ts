// The emulator is the independent other side of the protocol: it must not borrow client code or runtime APIs.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = join(import.meta.dirname, "../../emulator");
const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));

describe("emulator boundaries", () => {
  it("has source files to check", () => {
    expect(files).toContain("mod.ts");
    expect(files).toContain("serve.ts");
  });

  for (const file of files) {
    const source = readFileSync(join(dir, file), "utf8");
    it(`${file} imports nothing from core/ and only serve.ts touches node`, () => {
      expect(source).not.toMatch(/from\s+["'][^"']*core\//);
      if (file !== "serve.ts") {
        expect(source).not.toMatch(/["']node:/);
        expect(source).not.toMatch(/@hono\/node-server/);
      }
      expect(source).not.toMatch(/console\./);
      expect(source.split("\n").length).toBeLessThanOrEqual(400);
    });
  }
});

// The public surface is deliberate: "tdauth" exports exactly what the README's API table lists
// (on Node, Deno and Bun and in Workers alike), and no value has two import paths.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const jsr = JSON.parse(readFileSync(join(root, "jsr.json"), "utf8")) as { exports: Record<string, string> };

const program = ts.createProgram([...Object.values(jsr.exports).map((p) => join(root, p)), join(root, "core/mod.ts")], {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  noEmit: true,
  types: ["node"],
});
const checker = program.getTypeChecker();

/** Every name a module exports, with whether it is a value (a class, function or constant) or only a type. */
function exportsOf(path: string): Map<string, "value" | "type"> {
  const source = program.getSourceFile(join(root, path));
  if (!source) throw new Error(`${path} is not in the program`);
  const names = new Map<string, "value" | "type">();
  for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    names.set(symbol.name, target.flags & ts.SymbolFlags.Value ? "value" : "type");
  }
  return names;
}

/** The names in the README's "API" table: every `name` in its first column. */
function readmeAPI(): string[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = /^## API\n([\s\S]*?)^## /m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## API" section');
  const rows = section.split("\n").filter((line) => /^\| `/.test(line));
  return rows.flatMap((row) => [...row.split("|")[1]!.matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => m[1]!));
}

describe("the public surface", () => {
  it('"tdauth" exports exactly the README\'s API table, on Node, Deno and Bun and in Workers', () => {
    const listed = readmeAPI().sort();
    expect(new Set(listed).size, "a name listed twice").toBe(listed.length);
    expect([...exportsOf(jsr.exports["."]!.slice(2)).keys()].sort()).toEqual(listed);
    expect([...exportsOf("core/mod.ts").keys()].sort()).toEqual(listed);
  });

  it("exports no internals: no request, classification, redaction or parsing helper", () => {
    const root = exportsOf("core/mod.ts");
    for (
      const internal of [
        "requestToken",
        "classifyTokenReply",
        "tokensFromResponse",
        "isDeadGrantError",
        "redact",
        "apiError",
        "parseCallback",
        "deriveState",
        "checkRedirectURI",
        "toTDState",
      ]
    ) {
      expect(root.has(internal), internal).toBe(false);
    }
    expect(root.get("APIError")).toBe("value");
  });

  it('"tdauth/durable-object" exports the Durable Object class, its store and its lock, and the types they take', () => {
    const entry = exportsOf(jsr.exports["./durable-object"]!.slice(2));
    const values = [...entry].filter(([, kind]) => kind === "value").map(([name]) => name).sort();
    expect(values).toEqual(["DurableObjectLock", "DurableObjectStore", "TDAuthDurableObject"]);
    for (const type of ["DurableObjectStoreOptions", "DurableObjectLockOptions", "DurableObjectNamespaceLike", "TokenStore", "Lock"]) {
      expect(entry.get(type), type).toBe("type");
    }
    const source = readFileSync(join(root, jsr.exports["./durable-object"]!), "utf8");
    expect(source).toMatch(/^ \* @module$/m);
  });

  it("gives each value one import path: no export path re-exports another's classes or functions", () => {
    const owners = new Map<string, string>();
    const twice: string[] = [];
    for (const [key, path] of Object.entries(jsr.exports)) {
      for (const [name, kind] of exportsOf(path.slice(2))) {
        if (kind !== "value") continue;
        const owner = owners.get(name);
        if (owner) twice.push(`${name}: ${owner} and ${key}`);
        else owners.set(name, key);
      }
    }
    expect(twice).toEqual([]);
  });
});

// core/ imports only core/: the module graph of every file under core/, static imports, re-exports
// and dynamic import() alike, read with the TypeScript parser (a text search cannot see an
// import() spelled over two lines, nor tell a comment from code). Also no runtime globals there.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const core = join(root, "core");

/** Globals that exist on one runtime only (or that only Node's module system provides). */
const RUNTIME_GLOBALS = new Set(["Deno", "Bun", "process", "require", "Buffer", "__dirname", "__filename"]);

/** Every module a file names: `import`, `export … from`, `import()`, `import("…")` types and `require()`. */
function importsOf(fileName: string, text: string): { specifiers: string[]; problems: string[] } {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const problems: string[] = [];
  const at = (node: ts.Node): string => `${fileName}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || isRequire(node.expression))) {
      const [first] = node.arguments;
      if (first && ts.isStringLiteralLike(first)) specifiers.push(first.text);
      else problems.push(`${at(node)} imports a module whose name is computed at run time`);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specifiers.push(node.argument.literal.text);
    } else if (ts.isIdentifier(node) && RUNTIME_GLOBALS.has(node.text) && isReference(node)) {
      problems.push(`${at(node)} uses the runtime global ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { specifiers, problems };
}

function isRequire(expression: ts.Expression): boolean {
  return ts.isIdentifier(expression) && expression.text === "require";
}

/** An identifier that names a variable, not a property, a key or a member being declared. */
function isReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if ((ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) && parent.name === node) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node) {
    return false;
  }
  if ((ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent)) && parent.name === node) return false;
  return true;
}

/** What is wrong with the imports of `text` (a file at `path` inside core/). */
function layeringProblems(path: string, text: string): string[] {
  const name = relative(root, path);
  const { specifiers, problems } = importsOf(name, text);
  for (const specifier of specifiers) {
    if (!specifier.startsWith(".")) {
      problems.push(`${name} imports "${specifier}": core/ uses web APIs only, and no package`);
      continue;
    }
    const target = resolve(dirname(path), specifier);
    if (relative(core, target).startsWith("..")) problems.push(`${name} imports "${specifier}", which is outside core/`);
  }
  return problems;
}

function coreFiles(): string[] {
  return (readdirSync(core, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => join(core, f)).sort();
}

describe("core/ layering", () => {
  it("every file under core/ imports only files under core/, and uses no runtime-specific global", () => {
    const files = coreFiles();
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((file) => layeringProblems(file, readFileSync(file, "utf8")))).toEqual([]);
  });

  it("the check sees static, re-exported, dynamic, type-only and computed imports, and runtime globals", () => {
    const file = join(core, "example.ts");
    const text = [
      'import { FileStore } from "../adapters/file/store.ts";',
      'export { FileLock } from "../adapters/file/lock.ts";',
      "const lazy = () =>",
      '  import(\n    "../adapters/hono/browser_login.ts"\n  );',
      'type Prompt = typeof import("../adapters/terminal/read_line.ts");',
      "const computed = (name: string) => import(name);",
      'import { readFile } from "node:fs/promises";',
      "const pid = process.pid;",
      "const deno = (globalThis as { Deno?: unknown }).Deno;",
      'import { ok } from "./errors.ts";',
    ].join("\n");
    expect(layeringProblems(file, text).sort()).toEqual([
      'core/example.ts imports "../adapters/file/store.ts", which is outside core/',
      'core/example.ts imports "../adapters/file/lock.ts", which is outside core/',
      'core/example.ts imports "../adapters/hono/browser_login.ts", which is outside core/',
      'core/example.ts imports "../adapters/terminal/read_line.ts", which is outside core/',
      'core/example.ts imports "node:fs/promises": core/ uses web APIs only, and no package',
      "core/example.ts:8 imports a module whose name is computed at run time",
      "core/example.ts:10 uses the runtime global process",
    ].sort());
  });
});

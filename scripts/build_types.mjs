// Declarations for the npm build, one .d.ts (ESM) and one .d.cts (CJS) per source file under
// dist/. isolatedDeclarations makes every file's types computable on its own, so
// ts.transpileDeclaration does in well under a second what tsup's bundled dts step (a full
// program plus rollup) needs ~10 s for — and `npm test` rebuilds before every run.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

const root = new URL("..", import.meta.url).pathname;
const SOURCE_DIRS = ["core", "adapters", "emulator", "cli"];

function sources(dir) {
  const out = [];
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts") && !name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

// Relative specifiers are spelled with .ts in the sources (Deno and JSR need it); each output
// flavour points at its own sibling declaration file.
const RELATIVE_TS = /(["'])(\.{1,2}\/[^"']+?)\.ts\1/g;

/**
 * Writes `<out>/**\/*.d.ts` and `.d.cts` (`out` relative to the repository, default dist);
 * returns the number of source files, throws on any diagnostic.
 */
export function buildTypes(out = "dist") {
  const outDir = join(root, out);
  const compilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    isolatedDeclarations: true,
    declaration: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    strict: true,
  };
  const problems = [];
  const files = SOURCE_DIRS.flatMap((dir) => sources(join(root, dir)));
  for (const file of files) {
    const { outputText, diagnostics = [] } = ts.transpileDeclaration(readFileSync(file, "utf8"), {
      fileName: file,
      compilerOptions,
      reportDiagnostics: true,
    });
    for (const d of diagnostics) {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      problems.push(
        `${relative(root, file)}${at ? `:${at.line + 1}:${at.character + 1}` : ""} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
      );
    }
    const base = join(outDir, relative(root, file)).replace(/\.ts$/, "");
    mkdirSync(dirname(base), { recursive: true });
    writeFileSync(`${base}.d.ts`, outputText.replace(RELATIVE_TS, "$1$2.js$1"));
    writeFileSync(`${base}.d.cts`, outputText.replace(RELATIVE_TS, "$1$2.cjs$1"));
  }
  if (problems.length > 0) throw new Error(`declaration emit failed:\n${problems.join("\n")}`);
  return files.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const count = buildTypes();
  console.log(`types: ${count} files → dist/**/*.d.ts + .d.cts in ${Math.round(performance.now() - started)} ms`);
}

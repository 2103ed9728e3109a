#!/usr/bin/env node
// The release workflow's first step: the pushed tag (vX.Y.Z) names the version package.json and
// jsr.json both carry, and CHANGELOG.md has a section for it. `--notes FILE` writes that section,
// the GitHub release's text. Usage: node scripts/check_release.mjs v0.2.0 [--notes FILE]
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { changelogSection, parseVersion, readVersions, VERSION_FILES } from "./_version.mjs";

const root = process.cwd();
const problems = [];
let args;
try {
  args = parseArgs({ allowPositionals: true, options: { notes: { type: "string" } } });
} catch (error) {
  problems.push(error.message);
}
const tag = args?.positionals[0];
if (args && (args.positionals.length !== 1 || !tag)) problems.push("give the tag: node scripts/check_release.mjs v0.2.0 [--notes FILE]");

let version = null;
if (tag) {
  if (tag.startsWith("v") && parseVersion(tag.slice(1))) version = tag.slice(1);
  else problems.push(`the tag ${tag} is not v followed by a semantic version (v0.2.0)`);
}
let versions = {};
try {
  versions = readVersions(root);
} catch (error) {
  problems.push(error.message);
}
for (const file of VERSION_FILES) {
  if (version !== null && file in versions && versions[file] !== version) {
    problems.push(`${file} says ${versions[file]}, the tag ${tag}: npm run release:version -- ${version}, commit, and tag again`);
  }
}
let notes = null;
if (version !== null) {
  const changelog = join(root, "CHANGELOG.md");
  notes = existsSync(changelog) ? changelogSection(readFileSync(changelog, "utf8"), version) : null;
  if (!notes) problems.push(`CHANGELOG.md has no "## ${version}" section with text: write the release notes there`);
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`error: ${problem}`);
  process.exit(1);
}
if (args.values.notes) writeFileSync(args.values.notes, `${notes}\n`);
console.log(`${tag}: package.json, jsr.json and CHANGELOG.md agree on ${version}`);

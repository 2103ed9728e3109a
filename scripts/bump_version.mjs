#!/usr/bin/env node
// `npm run release:version -- 0.2.0` (or major, minor, patch): writes one new version into
// package.json, jsr.json and package-lock.json together, so npm and JSR never publish different
// versions of the same tag. Run from the repository root (npm run does that).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  changelogSection,
  compareVersions,
  LOCK_FILE,
  lockWithVersion,
  nextVersion,
  readVersions,
  VERSION_FILES,
  withVersion,
} from "./_version.mjs";

const root = process.cwd();
const request = process.argv[2];

function fail(message, hint) {
  console.error(`error: ${message}`);
  if (hint) console.error(`hint: ${hint}`);
  process.exit(2);
}

if (!request || process.argv.length > 3) {
  fail("give exactly one version", "npm run release:version -- 0.2.0   (or major, minor, patch)");
}

let versions;
try {
  versions = readVersions(root);
} catch (error) {
  fail(error.message);
}
const distinct = [...new Set(Object.values(versions))];
// When the files disagree, the new version must pass the higher of them.
const current = distinct.length === 1 ? distinct[0] : distinct.sort(compareVersions).at(-1);
if (distinct.length > 1) {
  console.error(`warning: the files disagree (${VERSION_FILES.map((f) => `${f} ${versions[f]}`).join(", ")}); all get the new version`);
}

let next;
try {
  next = nextVersion(current, request);
} catch (error) {
  fail(error.message);
}

// Every file is rewritten in memory first, so a file that cannot take the version leaves all unchanged.
const writes = [];
for (const file of VERSION_FILES) {
  const path = join(root, file);
  try {
    writes.push([path, withVersion(readFileSync(path, "utf8"), next)]);
  } catch (error) {
    fail(`${file}: ${error.message}`);
  }
}
const lock = join(root, LOCK_FILE);
if (existsSync(lock)) writes.push([lock, lockWithVersion(readFileSync(lock, "utf8"), next)]);
for (const [path, text] of writes) writeFileSync(path, text);

const files = writes.map(([path]) => path.slice(root.length + 1));
console.log(`${files.join(", ")}: ${current} → ${next}`);
const changelog = join(root, "CHANGELOG.md");
if (!existsSync(changelog) || changelogSection(readFileSync(changelog, "utf8"), next) === null) {
  console.log(`next: add a "## ${next}" section to CHANGELOG.md (the release notes), then commit and tag v${next}`);
} else {
  console.log(`next: commit, then git tag v${next} && git push origin v${next}`);
}

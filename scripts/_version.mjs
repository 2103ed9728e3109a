// The release rules shared by scripts/bump_version.mjs and scripts/check_release.mjs: what a
// version is (https://semver.org), which one is higher, how a version is written into package.json,
// package-lock.json and jsr.json without reformatting them, and where CHANGELOG.md describes it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

// The regular expression semver.org gives for a valid version.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** The files that carry the version, relative to the repository root; the lock file is optional. */
export const VERSION_FILES = ["package.json", "jsr.json"];
export const LOCK_FILE = "package-lock.json";

/**
 * Parses a semantic version, or returns null.
 * @param {string} text
 * @returns {{ major: number, minor: number, patch: number, prerelease: string[] } | null}
 */
export function parseVersion(text) {
  const m = SEMVER.exec(text);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: m[4] ? m[4].split(".") : [] };
}

function compareIdentifiers(a, b) {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Math.sign(Number(a) - Number(b));
  if (an !== bn) return an ? -1 : 1; // numeric identifiers sort before alphanumeric ones
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Semver precedence: negative when a < b, 0 when equal (build metadata ignored), positive when a > b.
 * @param {string} a
 * @param {string} b
 * @returns {number}
 */
export function compareVersions(a, b) {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) throw new TypeError(`not a semantic version: ${!x ? a : b}`);
  for (const key of ["major", "minor", "patch"]) if (x[key] !== y[key]) return Math.sign(x[key] - y[key]);
  // A pre-release sorts before its release: 1.0.0-rc.1 < 1.0.0.
  if (x.prerelease.length === 0 || y.prerelease.length === 0) return y.prerelease.length - x.prerelease.length;
  for (let i = 0; i < Math.min(x.prerelease.length, y.prerelease.length); i++) {
    const c = compareIdentifiers(x.prerelease[i], y.prerelease[i]);
    if (c !== 0) return c;
  }
  return Math.sign(x.prerelease.length - y.prerelease.length);
}

/**
 * The version a bump request names: `major`, `minor`, `patch`, or an explicit version (a leading
 * `v` allowed). Throws an Error naming the problem when the request is not a version or not higher.
 * @param {string} current the version the files carry now
 * @param {string} request
 * @returns {string}
 * @example
 * nextVersion("0.1.0", "minor"); // "0.2.0"
 */
export function nextVersion(current, request) {
  const now = parseVersion(current);
  if (!now) throw new Error(`the current version ${JSON.stringify(current)} is not a semantic version: fix it by hand first`);
  let next;
  if (request === "major") next = `${now.major + 1}.0.0`;
  else if (request === "minor") next = `${now.major}.${now.minor + 1}.0`;
  else if (request === "patch") {
    next = now.prerelease.length > 0 ? `${now.major}.${now.minor}.${now.patch}` : `${now.major}.${now.minor}.${now.patch + 1}`;
  } else {
    next = request.replace(/^v/, "");
    if (!parseVersion(next)) {
      throw new Error(
        `${JSON.stringify(request)} is not a semantic version: give MAJOR.MINOR.PATCH (e.g. 0.2.0, 1.0.0-rc.1) or major, minor, patch`,
      );
    }
  }
  const order = compareVersions(next, current);
  if (order === 0) throw new Error(`the version is already ${current}: give a higher one`);
  if (order < 0) throw new Error(`${next} is lower than the current version ${current}: a release only moves forward`);
  return next;
}

/**
 * The JSON text with its top-level "version" replaced and every other byte kept, so formatting
 * (deno fmt's one-line arrays in jsr.json) survives. Throws when the text has no top-level version.
 * @param {string} text
 * @param {string} version
 * @returns {string}
 */
export function withVersion(text, version) {
  const before = JSON.parse(text);
  if (typeof before.version !== "string") throw new Error('no top-level "version" to change');
  // The first "version" key in these files is the top-level one; the parse below proves it.
  const after = text.replace(/("version"\s*:\s*)"[^"]*"/, (_, key) => `${key}${JSON.stringify(version)}`);
  const parsed = JSON.parse(after);
  if (parsed.version !== version || JSON.stringify({ ...parsed, version: before.version }) !== JSON.stringify(before)) {
    throw new Error('the first "version" key is not the top-level one; change it by hand');
  }
  return after;
}

/**
 * The lock file's text with its own version (top level and the root package) replaced, written as npm writes it.
 * @param {string} text
 * @param {string} version
 * @returns {string}
 */
export function lockWithVersion(text, version) {
  const lock = JSON.parse(text);
  lock.version = version;
  if (lock.packages?.[""]) lock.packages[""].version = version;
  return `${JSON.stringify(lock, null, 2)}\n`;
}

/**
 * The version each file carries, keyed by file name.
 * @param {string} root
 * @returns {Record<string, string>}
 */
export function readVersions(root) {
  const versions = {};
  for (const file of VERSION_FILES) {
    const path = join(root, file);
    if (!existsSync(path)) throw new Error(`${file} not found in ${root}: run this from the repository root`);
    versions[file] = JSON.parse(readFileSync(path, "utf8")).version;
  }
  return versions;
}

/**
 * The body of CHANGELOG.md's section for a version (a `## ` heading naming it, as `0.2.0`, `v0.2.0`
 * or `[0.2.0]`, followed by anything such as a date), trimmed; null when there is none.
 * @param {string} text
 * @param {string} version
 * @returns {string | null}
 */
export function changelogSection(text, version) {
  const escaped = version.replace(/[.+]/g, "\\$&");
  const heading = new RegExp(`^##\\s+\\[?v?${escaped}\\]?(?=\\s|$)`);
  const lines = text.split("\n");
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) return null;
  let end = lines.findIndex((line, i) => i > start && /^#{1,2}\s/.test(line));
  if (end < 0) end = lines.length;
  return lines.slice(start + 1, end).join("\n").trim();
}

// The version `tdauth --version` prints; a test keeps it equal to package.json's (no JSON import on the hot path).

/**
 * The package version.
 * @example
 * ```ts
 * console.log(`tdauth ${VERSION}`);
 * ```
 */
export const VERSION = "0.1.0";

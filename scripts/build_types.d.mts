// Types of build_types.mjs, for tsup.config.ts.

/** Writes `<out>/**\/*.d.ts` and `.d.cts` (default dist); returns the number of source files, throws on any diagnostic. */
export declare function buildTypes(out?: string): number;

// Types of stale_builds.mjs, for its test.

/** Removes the build folders in `work` whose build process is gone; returns their names. */
export declare function removeStaleBuilds(work: string): string[];

// What a killed `npm run build` leaves behind: it never reached its finally, so its
// next-<pid> / old-<pid> folders stay in node_modules/.tdauth-build. The next build drops them.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Whether a process with this pid may still be running: only ESRCH proves it gone (as in adapters/file/_env.ts). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code !== "ESRCH";
  }
}

/**
 * Removes the build folders in `work` whose build process is gone; returns their names.
 * @example
 * removeStaleBuilds("node_modules/.tdauth-build"); // ["next-41235"]
 */
export function removeStaleBuilds(work) {
  const removed = [];
  for (const name of readdirSync(work)) {
    const pid = Number(/^(?:next|old)-(\d+)$/.exec(name)?.[1]);
    if (!pid || alive(pid)) continue;
    rmSync(join(work, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

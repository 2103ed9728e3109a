// Opens a URL in the user's default browser without a dependency: xdg-open, open or start.

import { spawn } from "node:child_process";

/**
 * Asks the operating system to open `url`; resolves false (never throws) when it could not, so
 * the caller can print the URL instead.
 *
 * @example
 * ```ts
 * if (!(await openBrowser(url))) console.log("Open this URL:", url);
 * ```
 */
export function openBrowser(url: string): Promise<boolean> {
  if (!/^https?:\/\//.test(url)) return Promise.resolve(false);
  const [command, args] = process.platform === "darwin" ? ["open", [url]] : process.platform === "win32"
    // `start` is a cmd built-in; the empty string is the window title it expects first.
    ? ["cmd", ["/c", "start", '""', url.replaceAll("&", "^&")]]
    : ["xdg-open", [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args as string[], { stdio: "ignore", detached: true });
      child.once("error", () => resolve(false));
      child.once("spawn", () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

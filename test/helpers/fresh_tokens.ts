// A fresh token record for the emulator's default Schwab app, written by the real FileStore: what
// `tdauth token` (TDAUTH_PROVIDER=emulator) finds after a login, without running one.
import { FileStore } from "../../adapters/file/store.ts";
import { DEFAULT_SCHWAB_APP } from "../../emulator/mod.ts";

/**
 * Saves a record whose access token lives 30 minutes and refresh token 6 days to `path`.
 * @example
 * ```ts
 * await saveFreshTokens(join(home, "td_state.json"), "ACCESS"); // `tdauth token` prints ACCESS
 * ```
 */
export async function saveFreshTokens(path: string, accessToken: string): Promise<void> {
  const now = Date.now();
  await new FileStore(path, { onWarning: () => {} }).save({
    accessToken,
    refreshToken: `${accessToken}-REFRESH`,
    tokenType: "Bearer",
    accessExpiresAt: now + 1_800_000,
    refreshExpiresAt: now + 6 * 86_400_000,
    authorizedAt: now,
    provider: "schwab",
    clientId: DEFAULT_SCHWAB_APP.clientId,
  });
}

// What a session reports, worked out from its snapshot: status() (no tokens), and the error that
// says the user must log in again. Pure: the session passes its snapshot, provider and clock.

import { TknExpError } from "./errors.ts";
import { DAY_MS, type Provider } from "./provider.ts";
import { maskId } from "./_redact.ts";
import type { SessionStatus } from "./session_types.ts";
import { type AuthSnapshot, expiryReason } from "./state_machine.ts";
import type { StoredTokens } from "./types.ts";

/**
 * The status of a session whose snapshot is `snap`. It never contains a token; absent values are
 * undefined keys, which JSON leaves out.
 * @example
 * ```ts
 * sessionStatus({ state: "unauthenticated", tokens: null, changedAt: 0 }, provider, Date.now()).state; // "unauthenticated"
 * ```
 */
export function sessionStatus(snap: AuthSnapshot, provider: Provider, now: number): SessionStatus {
  const { state, tokens: t } = snap;
  return {
    state,
    provider: provider.id,
    clientId: maskId(provider.clientId),
    accessExpiresAt: t?.accessExpiresAt,
    refreshExpiresAt: t?.refreshExpiresAt,
    authorizedAt: t?.authorizedAt,
    reason: state === "expired" ? expiryReason(t, now) : undefined,
    // An authenticated session has tokens; a refresh token of unknown death is never "soon" (NaN).
    refreshExpiresSoon: state === "authenticated" && t!.refreshExpiresAt! - now < 2 * DAY_MS,
    // Still authenticated past it: a soft cap (Schwab's) that only the server's refusal enforces.
    refreshOverdue: state === "authenticated" && now >= t!.refreshExpiresAt!,
  };
}

/**
 * The error for a session that cannot produce a token without the user: nothing stored (log in),
 * or expired (log in again).
 * @example
 * ```ts
 * throw expiredError(provider, stored, Date.now());
 * ```
 */
export function expiredError(provider: Provider, stored: StoredTokens | null, now: number, cause?: unknown): TknExpError {
  return new TknExpError(
    stored
      ? `The ${provider.name} session has expired: ${expiryReason(stored, now) ?? "the session expired"}. Log in again (\`tdauth login\`).`
      : `Not logged in to ${provider.name}: nothing is stored. Run \`tdauth login\` (or authorize() + complete()).`,
    { cause },
  );
}

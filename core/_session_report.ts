// What a session reports, worked out from its snapshot: status() (no tokens), and the error that
// says the user must log in again. Pure: the session passes its snapshot, provider and clock.

import { TknExpError } from "./errors.ts";
import type { Provider } from "./provider.ts";
import { maskId } from "./_redact.ts";
import type { SessionStatus } from "./session_types.ts";
import { type AuthSnapshot, expiryReason } from "./state_machine.ts";
import type { StoredTokens } from "./types.ts";

/**
 * The status of a session whose snapshot is `snap`. It never contains a token; absent values are
 * undefined keys, which JSON leaves out.
 * @example
 * ```ts
 * sessionStatus({ state: "unauthenticated", tokens: null, changedAt: 0 }, provider, Date.now(), 172_800_000).state; // "unauthenticated"
 * ```
 */
export function sessionStatus(snap: AuthSnapshot, provider: Provider, now: number, reloginWarnMs: number): SessionStatus {
  const { state, tokens: t } = snap;
  return {
    state,
    provider: provider.id,
    clientId: maskId(provider.clientId),
    accessExpiresAt: t?.accessExpiresAt,
    refreshExpiresAt: t?.refreshExpiresAt,
    authorizedAt: t?.authorizedAt,
    reason: state === "expired" ? expiryReason(t, now) : undefined,
    // An authenticated session has tokens; a refresh token of unknown death is never due (NaN).
    reloginDue: state === "authenticated" && t!.refreshExpiresAt! - now < reloginWarnMs,
    reloginBy: t?.refreshExpiresAt,
    // Still authenticated past it: a soft cap (Schwab's) that only the server's refusal enforces.
    refreshOverdue: state === "authenticated" && now >= t!.refreshExpiresAt!,
  };
}

/**
 * The error for a session that cannot produce a token without the user: nothing stored (log in),
 * or expired (log in again). `stored` is null or a record that is expired at `now`.
 * @example
 * ```ts
 * throw expiredError(provider, stored, Date.now());
 * ```
 */
export function expiredError(provider: Provider, stored: StoredTokens | null, now: number, cause?: unknown): TknExpError {
  return new TknExpError(
    stored
      ? `The ${provider.name} session has expired: ${expiryReason(stored, now)}. Log in again (\`tdauth login\`).`
      : `Not logged in to ${provider.name}: nothing is stored. Run \`tdauth login\` (or authorize() + complete()).`,
    { cause },
  );
}

/**
 * Why a refresh token the server refused is dead, for the expiry mark and the error. Schwab keeps
 * one session per user: refused well before its 7 days, the grant was most likely replaced by a
 * newer login, which the reason says, with when (and where) this one was made.
 * @example
 * ```ts
 * refusalReason(provider, stored, "invalid_client", Date.now());
 * ```
 */
export function refusalReason(provider: Provider, stored: StoredTokens, error: string, now: number): string {
  const replaced = provider.id === "schwab" && stored.refreshExpiresAt! - now > 3_600_000
    ? `: Schwab keeps one session per user: a newer login (another machine, or a tool such as schwab-py) probably replaced this one, made ${
      new Date(stored.authorizedAt).toISOString()
    }${stored.loginHost ? ` on ${stored.loginHost}` : ""}`
    : "";
  return `${provider.name} rejected the refresh token (${error})${replaced}`;
}

// Every (state, event) pair of the machine, legal and illegal.
import { describe, expect, it } from "vitest";
import { StateError } from "../../core/errors.ts";
import {
  AUTH_EVENTS,
  AUTH_STATES,
  type AuthEvent,
  type AuthSnapshot,
  deriveState,
  expiryReason,
  transition,
} from "../../core/state_machine.ts";
import type { AuthState, StoredTokens } from "../../core/types.ts";

const NOW = 1_800_000_000_000;
const tokens: StoredTokens = {
  accessToken: "access-1",
  refreshToken: "refresh-1",
  tokenType: "Bearer",
  accessExpiresAt: NOW + 1_800_000,
  refreshExpiresAt: NOW + 7 * 86_400_000,
  authorizedAt: NOW,
};
const pending = { state: "s".repeat(43), redirectURI: "https://127.0.0.1:8182", createdAt: NOW };

function snapshot(state: AuthState, previous?: Exclude<AuthState, "authorizing">): AuthSnapshot {
  const s: AuthSnapshot = { state, tokens: state === "unauthenticated" ? null : tokens, changedAt: 0 };
  if (state === "authorizing") {
    s.pending = pending;
    s.previous = previous ?? "unauthenticated";
    if (s.previous === "unauthenticated") s.tokens = null;
  }
  return s;
}

function event(type: AuthEvent["type"]): AuthEvent {
  switch (type) {
    case "authorize":
      return { type, pending };
    case "authorized":
    case "refreshed":
      return { type, tokens: { ...tokens, accessToken: "access-2" } };
    case "authorization_failed":
      return { type, reason: "state mismatch" };
    case "expired":
      return { type, reason: "invalid_grant" };
    case "logout":
      return { type };
    case "loaded":
      return { type, tokens: { ...tokens, accessToken: "access-2" } };
  }
}

// [from (with authorizing's previous state), event] → resulting state, or "illegal".
const TABLE: Record<string, Record<AuthEvent["type"], AuthState | "illegal">> = {
  unauthenticated: {
    authorize: "authorizing",
    authorized: "illegal",
    authorization_failed: "illegal",
    refreshed: "illegal",
    expired: "illegal",
    logout: "unauthenticated",
    loaded: "authenticated",
  },
  "authorizing<unauthenticated": {
    authorize: "authorizing",
    authorized: "authenticated",
    authorization_failed: "unauthenticated",
    refreshed: "illegal",
    expired: "illegal",
    logout: "unauthenticated",
    loaded: "authorizing",
  },
  "authorizing<expired": {
    authorize: "authorizing",
    authorized: "authenticated",
    authorization_failed: "expired",
    refreshed: "illegal",
    expired: "illegal",
    logout: "unauthenticated",
    loaded: "authorizing",
  },
  "authorizing<authenticated": {
    authorize: "authorizing",
    authorized: "authenticated",
    authorization_failed: "authenticated",
    refreshed: "authorizing",
    expired: "authorizing",
    logout: "unauthenticated",
    loaded: "authorizing",
  },
  authenticated: {
    authorize: "authorizing",
    authorized: "illegal",
    authorization_failed: "illegal",
    refreshed: "authenticated",
    expired: "expired",
    logout: "unauthenticated",
    loaded: "authenticated",
  },
  expired: {
    authorize: "authorizing",
    authorized: "illegal",
    authorization_failed: "illegal",
    refreshed: "illegal",
    expired: "illegal",
    logout: "unauthenticated",
    loaded: "authenticated",
  },
};

describe("transition", () => {
  it("has a row for every state and a column for every event", () => {
    const froms = new Set(Object.keys(TABLE).map((k) => k.split("<")[0]));
    expect([...froms].sort()).toEqual([...AUTH_STATES].sort());
    for (const row of Object.values(TABLE)) expect(Object.keys(row).sort()).toEqual([...AUTH_EVENTS].sort());
  });

  for (const [from, row] of Object.entries(TABLE)) {
    const [state, previous] = from.split("<") as [AuthState, Exclude<AuthState, "authorizing"> | undefined];
    for (const [type, expected] of Object.entries(row) as Array<[AuthEvent["type"], AuthState | "illegal"]>) {
      it(`${from} + ${type} → ${expected}`, () => {
        const before = snapshot(state, previous);
        const frozen = structuredClone(before);
        if (expected === "illegal") {
          expect(() => transition(before, event(type), NOW)).toThrow(StateError);
        } else {
          const after = transition(before, event(type), NOW);
          expect(after.state).toBe(expected);
          expect(after.changedAt).toBe(NOW);
        }
        // Pure: the input snapshot is never mutated.
        expect(before).toEqual(frozen);
      });
    }
  }

  it("keeps the pending login and remembers where to return while authorizing", () => {
    const s = transition(snapshot("expired"), event("authorize"), NOW);
    expect(s.pending).toEqual(pending);
    expect(s.previous).toBe("expired");
    const back = transition(s, event("authorization_failed"), NOW);
    expect(back.pending).toBeUndefined();
    expect(back.reason).toBe("state mismatch");
  });

  it("a second authorize keeps the original state to return to", () => {
    const once = transition(snapshot("authenticated"), event("authorize"), NOW);
    const twice = transition(once, { type: "authorize", pending: { ...pending, state: "t".repeat(43) } }, NOW);
    expect(twice.previous).toBe("authenticated");
    expect(twice.pending?.state).toBe("t".repeat(43));
  });

  it("authorized stores the new tokens and drops the pending login", () => {
    const s = transition(snapshot("authorizing"), event("authorized"), NOW);
    expect(s.tokens?.accessToken).toBe("access-2");
    expect(s.pending).toBeUndefined();
  });

  it("logout forgets tokens", () => {
    expect(transition(snapshot("authenticated"), event("logout"), NOW).tokens).toBeNull();
  });

  it("loaded takes the state the record means: none, live, rejected or past its refresh token's death", () => {
    expect(transition(snapshot("authenticated"), { type: "loaded", tokens: null }, NOW)).toEqual({
      state: "unauthenticated",
      tokens: null,
      changedAt: NOW,
    });
    const rejected = { ...tokens, expired: { at: NOW, reason: "rejected (invalid_grant)" } };
    expect(transition(snapshot("unauthenticated"), { type: "loaded", tokens: rejected }, NOW)).toMatchObject({
      state: "expired",
      reason: "rejected (invalid_grant)",
    });
    expect(transition(snapshot("authenticated"), { type: "loaded", tokens }, NOW + 8 * 86_400_000)).toMatchObject({
      state: "expired",
      reason: expect.stringMatching(/refresh token expired at/),
    });
  });

  it("loaded keeps a login in progress and updates where a failed one returns to", () => {
    const s = transition(snapshot("authorizing", "authenticated"), { type: "loaded", tokens: null }, NOW);
    expect(s).toMatchObject({ state: "authorizing", pending, previous: "unauthenticated", tokens: null });
    expect(transition(s, event("authorization_failed"), NOW).state).toBe("unauthenticated");
  });

  it("names the state and a way out in the illegal-event message", () => {
    expect(() => transition(snapshot("unauthenticated"), event("refreshed"), NOW)).toThrow(/while unauthenticated: .*log in/);
  });
});

describe("deriveState", () => {
  it("is unauthenticated with nothing stored", () => {
    expect(deriveState(null, NOW)).toBe("unauthenticated");
  });
  it("is authenticated while the access token lives", () => {
    expect(deriveState(tokens, NOW)).toBe("authenticated");
  });
  it("stays authenticated after the access token dies while the refresh token lives", () => {
    expect(deriveState(tokens, NOW + 3_600_000)).toBe("authenticated");
  });
  it("is expired once the refresh token dies", () => {
    expect(deriveState(tokens, NOW + 8 * 86_400_000)).toBe("expired");
    expect(expiryReason(tokens, NOW + 8 * 86_400_000)).toMatch(/refresh token expired at/);
  });
  it("is expired when the server rejected the refresh token", () => {
    const marked = { ...tokens, expired: { at: NOW, reason: "rejected (invalid_grant)" } };
    expect(deriveState(marked, NOW)).toBe("expired");
    expect(expiryReason(marked, NOW)).toBe("rejected (invalid_grant)");
  });
  it("is expired when the access token died and there is no refresh token", () => {
    const { refreshToken: _, ...noRefresh } = tokens;
    expect(deriveState(noRefresh, NOW + 3_600_000)).toBe("expired");
  });
});

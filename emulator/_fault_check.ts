// The strict check of a fault description, so a typo in a test's fault fails loudly instead of never firing.

import type { EmulatorFault, EmulatorFaultKind } from "./types.ts";

const KINDS: readonly EmulatorFaultKind[] = [
  "hang",
  "latency",
  "redirect",
  "html",
  "status",
  "empty",
  "truncated",
  "huge",
  "expires-in",
  "control-characters",
];
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
const MIB = 1_048_576;

/**
 * A queued fault: its description with `count` resolved to the uses left (`null`: until cleared).
 *
 * @example
 * const queued: QueuedFault = { target: "api", kind: "html", remaining: 1 };
 */
export type QueuedFault = Omit<EmulatorFault, "count"> & { remaining: number | null };

function statusIn(f: Record<string, unknown>, min: number, max: number): void {
  if (f.status !== undefined && (!Number.isInteger(f.status) || (f.status as number) < min || (f.status as number) > max)) {
    throw new TypeError(`fault.status must be an integer ${min}-${max} for ${String(f.kind)}`);
  }
}

// Each kind accepts only its own fields, so a field meant for another kind is reported instead of ignored.
const FIELDS: Record<EmulatorFaultKind, string[]> = {
  hang: [],
  latency: ["latencyMs"],
  redirect: ["status", "location"],
  html: ["status"],
  status: ["status"],
  empty: ["status"],
  truncated: [],
  huge: ["sizeBytes"],
  "expires-in": ["expiresIn"],
  "control-characters": ["field"],
};

function checkKindFields(f: Record<string, unknown>, kind: EmulatorFaultKind): void {
  for (const key of Object.keys(f)) {
    if (["target", "kind", "count", "probability"].includes(key) || f[key] === undefined) continue;
    if (!FIELDS[kind].includes(key)) throw new TypeError(`fault.${key} does not apply to kind ${kind}`);
  }
  if (kind === "status") statusIn(f, 400, 599);
  if (kind === "html" || kind === "empty") statusIn(f, 200, 599);
  if (kind === "redirect") {
    if (f.status !== undefined && !REDIRECT_STATUSES.includes(f.status as number)) {
      throw new TypeError(`fault.status must be one of ${REDIRECT_STATUSES.join(", ")} for redirect`);
    }
    if (f.location !== undefined && (typeof f.location !== "string" || !/^https?:\/\//i.test(f.location) || !URL.canParse(f.location))) {
      throw new TypeError("fault.location must be an absolute http(s) URL");
    }
  }
  if (
    kind === "latency" && f.latencyMs !== undefined && (typeof f.latencyMs !== "number" || !(f.latencyMs >= 0 && f.latencyMs <= 600_000))
  ) {
    throw new TypeError("fault.latencyMs must be 0-600000");
  }
  if (
    kind === "huge" && f.sizeBytes !== undefined &&
    (!Number.isInteger(f.sizeBytes) || (f.sizeBytes as number) < 1 || (f.sizeBytes as number) > 64 * MIB)
  ) {
    throw new TypeError("fault.sizeBytes must be an integer 1-67108864");
  }
  if (kind === "expires-in" && !(typeof f.expiresIn === "string" || (typeof f.expiresIn === "number" && Number.isFinite(f.expiresIn)))) {
    throw new TypeError("fault.expiresIn must be a finite number or a string");
  }
  if (kind === "control-characters" && f.field !== undefined && f.field !== "access_token" && f.field !== "refresh_token") {
    throw new TypeError('fault.field must be "access_token" or "refresh_token"');
  }
  if ((kind === "expires-in" || kind === "control-characters") && f.target !== "token") {
    throw new TypeError(`fault.target must be "token" for ${kind}: only token answers carry expires_in and tokens`);
  }
}

/**
 * Checks a fault description; TypeError names the bad field.
 *
 * @example
 * const fault = checkFault({ target: "token", kind: "status", status: 503 });
 */
export function checkFault(input: unknown): QueuedFault {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new TypeError("fault must be an object");
  const f = input as Record<string, unknown>;
  if (f.target !== "token" && f.target !== "api" && f.target !== "all") {
    throw new TypeError('fault.target must be "token", "api" or "all"');
  }
  if (!KINDS.includes(f.kind as EmulatorFaultKind)) throw new TypeError(`fault.kind must be one of ${KINDS.join(", ")}`);
  const kind = f.kind as EmulatorFaultKind;
  checkKindFields(f, kind);
  if (f.count !== undefined && f.count !== null && (!Number.isInteger(f.count) || (f.count as number) < 1)) {
    throw new TypeError("fault.count must be a positive integer, or null for every request until cleared");
  }
  if (f.probability !== undefined && (typeof f.probability !== "number" || !(f.probability > 0 && f.probability <= 1))) {
    throw new TypeError("fault.probability must be a number above 0 and at most 1");
  }
  const queued: QueuedFault = { target: f.target, kind, remaining: f.count === undefined ? 1 : (f.count as number | null) };
  for (const key of [...FIELDS[kind], "probability"] as const) {
    if (f[key] !== undefined) (queued as unknown as Record<string, unknown>)[key] = f[key];
  }
  return queued;
}

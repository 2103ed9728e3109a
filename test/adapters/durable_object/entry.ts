// The Worker under test: the KV Worker's entry (tdauth/worker, a Schwab profile pointed at the
// emulator, every setting from bindings) with TDAuthDurableObject exported, to be bound as TDAUTH_DO.
export { default } from "../worker/entry.ts";
export { TDAuthDurableObject } from "../../../adapters/durable_object/mod.ts";

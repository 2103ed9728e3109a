// The Worker's bindings, read and checked: a missing or unusable one is a BindingError that names
// it and how to set it in wrangler.toml, never its value.
import type { DurableObjectNamespaceLike } from "../durable_object/_protocol.ts";
import type { KVNamespaceLike } from "../kv/kv.ts";

/** The Worker's environment: its bindings by name. */
type WorkerEnv = Record<string, unknown>;

/** A binding that is missing or unusable: the Worker is not configured. Its message never holds the value. */
export class BindingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BindingError";
  }
}

/** The binding `name`, or a BindingError naming it and `what` it should be. */
function binding(env: WorkerEnv, name: string, what: string): unknown {
  const value = env[name];
  if (value === undefined || value === null || value === "") {
    throw new BindingError(`The Worker has no ${what} binding "${name}": add it to wrangler.toml (or \`wrangler secret put ${name}\`).`);
  }
  return value;
}

/** The secret (a string) bound as `name`. */
export function secretBinding(env: WorkerEnv, name: string): string {
  const value = binding(env, name, "secret");
  if (typeof value !== "string") {
    throw new BindingError(`The Worker's binding "${name}" is not a secret (a string): set it with \`wrangler secret put ${name}\`.`);
  }
  return value;
}

/** The Durable Object namespace bound as `name`, or undefined when the Worker has none by that name. */
export function durableObjectBinding(env: WorkerEnv, name: string): DurableObjectNamespaceLike | undefined {
  const value: unknown = env[name];
  if (value === undefined || value === null || value === "") return undefined;
  const ns = value as Partial<DurableObjectNamespaceLike>;
  if (typeof value !== "object" || typeof ns.idFromName !== "function" || typeof ns.get !== "function") {
    throw new BindingError(
      `The Worker's binding "${name}" is not a Durable Object namespace: bind TDAuthDurableObject under [[durable_objects.bindings]] with name = "${name}" in wrangler.toml.`,
    );
  }
  return value as DurableObjectNamespaceLike;
}

/** The KV namespace bound as `name`. */
export function kvBinding(env: WorkerEnv, name: string): KVNamespaceLike {
  const value = binding(env, name, "KV namespace") as Partial<KVNamespaceLike> | string;
  if (
    typeof value !== "object" || typeof value.get !== "function" || typeof value.put !== "function" || typeof value.delete !== "function"
  ) {
    throw new BindingError(
      `The Worker's binding "${name}" is not a KV namespace: bind one under [[kv_namespaces]] with binding = "${name}" in wrangler.toml.`,
    );
  }
  return value as KVNamespaceLike;
}

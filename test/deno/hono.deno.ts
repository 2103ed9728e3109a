// The callback server on Deno: Deno.serve (HTTP/2 over TLS), the portable suite in test/adapters/hono.
import { cases } from "../adapters/hono/_runtime_suite.ts";

for (const { name, fn } of cases) {
  // The emulator and servers are closed by each case; Deno's sanitizers trip on node:net's
  // internal handles that outlive a closed socket by a tick.
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

// On Deno, a fetch the runtime refuses (no --allow-net for the token host) is not a network fault:
// the token request is not retried, and the refusal itself reaches the caller at once.
import { requestToken } from "../../core/token_request.ts";
import { schwab } from "../../core/providers/schwab.ts";

Deno.test({
  name: "a refused fetch is tried once and its NotCapable error reaches the caller",
  permissions: { net: false },
  fn: async () => {
    const provider = schwab({
      clientId: "A".repeat(32),
      clientSecret: "S".repeat(16),
      redirectURI: "https://127.0.0.1:8182",
      baseURL: "http://127.0.0.1:8099",
    });
    let tries = 0;
    let slept = 0;
    const error = await requestToken({ grantType: "refresh_token", refreshToken: "RT" }, {
      provider,
      fetch: (input, init) => (tries++, fetch(input, init)),
      now: Date.now,
      jitter: () => 0.5,
      sleep: () => Promise.resolve(void slept++),
    }).catch((e: unknown) => e);
    if (tries !== 1) throw new Error(`expected one try, got ${tries}`);
    if (slept !== 0) throw new Error(`expected no backoff, got ${slept}`);
    if (!(error instanceof Deno.errors.NotCapable)) throw new Error(`expected Deno.errors.NotCapable, got ${error}`);
  },
});

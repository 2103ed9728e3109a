// The Worker under test: tdauth/worker with its tokens in a TDAuthDurableObject bound as TDAUTH_DO
// (no KV namespace), a Schwab profile pointed at the emulator, every setting from bindings.
import { createWorker } from "../../../adapters/worker/mod.ts";
import { schwab } from "../../../core/providers/schwab.ts";

export { TDAuthDurableObject } from "../../../adapters/durable_object/mod.ts";

export default createWorker({
  provider: (env) =>
    schwab({
      clientId: env.APP_KEY as string,
      clientSecret: env.APP_SECRET as string,
      redirectURI: env.REDIRECT_URI as string,
      baseURL: env.EMULATOR as string,
    }),
});

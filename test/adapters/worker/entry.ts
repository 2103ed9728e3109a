// The Worker under test: tdauth/worker with a Schwab profile pointed at the emulator, all
// settings from bindings, as a real deployment would read its secrets.
import { createWorker } from "../../../adapters/worker/mod.ts";
import { schwab } from "../../../core/providers/schwab.ts";

export default createWorker({
  provider: (env) =>
    schwab({
      clientId: env.APP_KEY as string,
      clientSecret: env.APP_SECRET as string,
      redirectURI: env.REDIRECT_URI as string,
      baseURL: env.EMULATOR as string,
    }),
});

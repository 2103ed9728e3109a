// Workers under test whose bindings are wrong in one way each, served by one workerd: the
// x-case header picks which. Each names a binding the test sets up malformed.
import { createWorker, type WorkerEnv } from "../../../adapters/worker/mod.ts";
import { schwab } from "../../../core/providers/schwab.ts";

const provider = (env: WorkerEnv) =>
  schwab({
    clientId: env.APP_KEY as string,
    clientSecret: env.APP_SECRET as string,
    redirectURI: "https://auth.example/callback",
  });

const workers = {
  "bad-key": createWorker({ provider, keyBinding: "SHORT_KEY" }),
  "not-kv": createWorker({ provider, kvBinding: "PLAIN_TEXT" }),
  "not-a-secret": createWorker({ provider, secretBinding: "NUMBER" }),
  "bad-provider": createWorker({
    provider: (env) => schwab({ clientId: env.NO_SUCH_BINDING as string, clientSecret: "x", redirectURI: "https://auth.example/callback" }),
  }),
};

export default {
  fetch(request: Request, env: WorkerEnv): Promise<Response> {
    const worker = workers[request.headers.get("x-case") as keyof typeof workers];
    return worker.fetch(request, env);
  },
};

// A Cloudflare Worker that holds a Schwab session: log in once at https://<worker>/login, then
// trusted backends GET /token with `Authorization: Bearer <ADMIN_SECRET>`; the cron refreshes.
//
//   wrangler kv namespace create TOKENS          # put the id in wrangler.toml
//   wrangler secret put APP_KEY                   # Schwab app key
//   wrangler secret put APP_SECRET                # Schwab app secret
//   wrangler secret put ADMIN_SECRET              # any long random string
//   wrangler secret put TDAUTH_KEY                # openssl rand -base64 32 (encrypts the login cookie)
//   wrangler deploy
//
// Register https://<worker>/callback as the app's callback URL at developer.schwab.com, exactly.
// To log in, open https://<worker>/login in a browser and type ADMIN_SECRET into the form: the
// login cookie must land in the browser that comes back from Schwab, and a secret never goes in
// a URL. In a Worker "tdauth" is the core alone, so neither import needs nodejs_compat.
//
// Locally, against the tdauth emulator instead of Schwab (in a clone, after npm install):
//   node examples/worker/dev.mjs
// The BASE_URL binding points the provider at another server (the emulator); unset, it is Schwab.
import { schwab } from "tdauth";
import { createWorker } from "tdauth/worker";

export default createWorker({
  provider: (env) =>
    schwab({
      clientId: env.APP_KEY as string,
      clientSecret: env.APP_SECRET as string,
      redirectURI: env.REDIRECT_URI as string,
      ...(env.BASE_URL ? { baseURL: env.BASE_URL as string } : {}),
    }),
});

// Log in once (paste the redirect URL), then print what a script needs: the state and a fresh
// access token's expiry. With no settings it logs in to the local emulator's Schwab app:
//   npx tdauth emulator                  # in another terminal; prints its URL and apps
//   node examples/node/login.mjs         # TDAUTH_EMULATOR_URL=http://127.0.0.1:PORT if not 8777
// For a real app set TDAUTH_CLIENT_ID, TDAUTH_CLIENT_SECRET and TDAUTH_REDIRECT_URI (and
// TDAUTH_PROVIDER=td for TD Ameritrade); tokens go to TDAUTH_CREDENTIALS (./tdauth_tokens.json).
import { createInterface } from "node:readline/promises";
import { AuthSession, schwab, tdAmeritrade } from "tdauth";
import { FileStore } from "tdauth/stores/file";

const env = process.env;
// The emulator when asked for, or when no app of your own is set (its public key, secret and redirect URI).
const emulatorURL = env.TDAUTH_EMULATOR_URL ?? (env.TDAUTH_CLIENT_ID ? undefined : "http://127.0.0.1:8777");
const baseURL = emulatorURL ? { baseURL: emulatorURL } : {};
const provider = env.TDAUTH_PROVIDER === "td"
  ? tdAmeritrade({
    clientId: env.TDAUTH_CLIENT_ID ?? "TDAUTHEMULATOR",
    redirectURI: env.TDAUTH_REDIRECT_URI ?? "https://127.0.0.1",
    ...baseURL,
  })
  : schwab({
    clientId: env.TDAUTH_CLIENT_ID ?? "TdauthEmulatorSchwabAppKey000001",
    clientSecret: env.TDAUTH_CLIENT_SECRET ?? "EmulatorSecret01",
    redirectURI: env.TDAUTH_REDIRECT_URI ?? "https://127.0.0.1:8182",
    ...baseURL,
  });
const session = new AuthSession({ provider, store: new FileStore(env.TDAUTH_CREDENTIALS ?? "./tdauth_tokens.json") });

if ((await session.status()).state !== "authenticated") {
  const { url } = await session.authorize();
  console.log("Open this URL, log in, then paste the address the browser lands on:");
  console.log(url);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  await session.complete(await rl.question("Redirect URL: "));
  rl.close();
}
await session.accessToken(); // refreshes first when the token is about to die
const status = await session.status();
console.log(JSON.stringify({ state: status.state, accessExpiresAt: status.accessExpiresAt }));

// Log in once (paste the redirect URL), then print what a script needs: the state and a fresh
// access token's expiry. Runs against TD, Schwab or the local emulator, chosen by env vars:
//   npx tdauth emulator            # prints its url; then
//   TDAUTH_BASE_URL=http://127.0.0.1:PORT bun examples/bun/login.ts
import { createInterface } from "node:readline/promises";
import { AuthSession, schwab, tdAmeritrade } from "tdauth";
import { FileStore } from "tdauth/stores/file";

const env = process.env;
const baseURL = env.TDAUTH_BASE_URL ? { baseURL: env.TDAUTH_BASE_URL } : {};
// Without settings, the emulator's default Schwab app (its key, secret and redirect URI).
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

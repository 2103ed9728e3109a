// The Python library's login/logout cycle: log in, grab a fresh access token and a new refresh token,
// then log out (which, unlike the Python library, really clears the stored tokens).
import { TDClient } from "tdauth";
import { exampleConfig } from "./_config.ts";

const config = exampleConfig();
const tdClient = new TDClient({
  clientId: config.clientId,
  redirectURI: config.redirectURI,
  credentialsPath: config.credentialsPath,
  provider: config.provider,
});

await tdClient.login();
const afterAccess = await tdClient.grabAccessToken();
const afterRefresh = await tdClient.grabRefreshToken();
await tdClient.logout();
console.log(JSON.stringify({
  loggedIn: afterAccess.logged_in,
  refreshExpiresAtDate: afterRefresh.refresh_token_expires_at_date,
}));

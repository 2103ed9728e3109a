/**
 * A local, strict stand-in for the TD Ameritrade and Charles Schwab OAuth and market-data servers,
 * for tests, demos and offline development. It shares no code with the tdauth client (`core/`), so
 * each side checks the other.
 *
 * Every behaviour below is a switch: set it at start (`createEmulator()` / `startEmulator()` options),
 * or at run time with `configure()` / `POST /__emulator/config` (config switches), `registerApp()` /
 * `POST /__emulator/apps` (app fields: registering a `clientId` again replaces the app, its grants stay),
 * and `injectFault()` / `POST /__emulator/faults` (faults; `DELETE /__emulator/faults` clears them).
 * `GET /__emulator/config` and `GET /__emulator/stats` read the state, `POST /__emulator/clock`
 * (`{ "advanceMs": n }`) moves the clock, `POST /__emulator/reset` forgets sessions, faults and stats.
 * The names in these tables are stable: tests of tdauth use them.
 *
 * | Behaviour | Switch | Default | Public source |
 * |---|---|---|---|
 * | A new Schwab login (code exchange) revokes the same app's earlier grants: the old access token gets 401, the old refresh token the dead-token reply. TD never does. | `schwabOneSessionPerUser` | `true` | github.com/alexgolec/schwab-py/issues/94 |
 * | Reply to a dead, revoked, unknown or over-age Schwab refresh token: `"unsupported_token_type"` is 400 with `refresh_token_authentication_error` wrapped inside and the token's base64 SHA-256 `tokenDigest` (`/` written `\/`); `"invalid_client"` is 401 `{"error":"invalid_client","error_description":"refresh token invalid"}` | `schwabDeadRefreshTokenError` | `"unsupported_token_type"` | github.com/tylerebowers/Schwabdev/issues/40, github.com/gporter0205/schwab-api-client/issues/5; schwab-py docs/auth.rst ("invalid_client") |
 * | A wrong app secret (any failed Schwab client authentication) gets 401 `{"error":"invalid_client","error_description":"Unauthorized"}` | the app's `clientSecret` | `DEFAULT_SCHWAB_APP.clientSecret` | github.com/go-schwab/trader/issues/26 |
 * | Schwab's refresh-token cap, counted from the interactive login and read at each refresh, so it can be set longer or shorter than 7 days, also for live sessions | `schwabRefreshTokenLifetimeS` | `604800` (7 days) | schwab-py docs/auth.rst ("Notes on Token Expiration": sooner or later than seven days) |
 * | API products per Schwab app; a call to a missing one gets 401 "Client not authorized" even with a valid token | app `products` | `["accountsAndTrading", "marketData"]` | Schwabdev docs (troubleshooting); schwab-client-js docs/SchwabConfig.md |
 * | A Schwab app still "Approved - Pending" gets an error page instead of the login: `"whitelabel"` (Spring's Whitelabel Error Page, 500) or `"unable-to-complete"` ("We are unable to complete your request...", 200) | app `approval`; `schwabPendingAppPage` | `"ready"`; `"whitelabel"` | github.com/tylerebowers/Schwabdev/issues/33 |
 * | Order requests (`POST /trader/v1/accounts/:hash/orders`, 201 + `Location`) per app per rolling minute, then 429 with `Retry-After`; null for no limit | `orderRateLimitPerMinute` | `120` | schwab-py docs/getting-started.rst (the portal's per-minute number is for orders) |
 * | GET API requests per app per rolling minute, then 429 with `Retry-After`; null for no limit | `getRateLimitPerMinute` | `{ td: 120, schwab: null }` | TD: developer.tdameritrade.com/content/authentication-faq; Schwab publishes no GET limit |
 * | Access-token lifetime (`expires_in`) | `accessTokenLifetimeS` | `1800` | TD authentication FAQ; Schwabdev tokens.py |
 * | TD refresh-token lifetime (`refresh_token_expires_in`) | `tdRefreshTokenLifetimeS` | `7776000` (90 days) | TD authentication FAQ |
 * | Authorization-code lifetime | `codeLifetimeS` | `{ td: 300, schwab: 30 }` | Schwab: Schwabdev tokens.py ("it has a quick expiration"); TD: not published |
 * | A new refresh token on every refresh grant | `rotateRefreshTokens` | `false` | RFC 9700 §4.14.2 (neither server is reported to rotate) |
 * | A rotated-out refresh token presented again revokes its grant | `reuseDetection` | `true` | RFC 9700 §4.14.2 |
 * | A new access token ends the same grant's older ones | `singleActiveAccessToken` | `true` | not published: the stricter assumption |
 * | Approve logins without the consent page | `autoApprove` | `false` | emulator only |
 * | Faults (next table) | `injectFault()`, `POST /__emulator/faults` | none | per kind |
 * | The served emulator answers only Host `127.0.0.1:PORT`, `localhost:PORT` or `[::1]:PORT` (421 otherwise); `createEmulator().fetch` answers any host | always, served only | on | en.wikipedia.org/wiki/DNS_rebinding |
 *
 * A fault is `{ target: "token" | "api" | "all", kind, count?, probability?, ...fields }`: it is served once
 * (`count` 1, the default), to `count` requests, or until cleared (`count: null`); with `probability` each
 * applicable request draws from the `random` option (default the CSPRNG), and a spared request keeps the count.
 *
 * | `kind` | What the client gets | Fields (default) | Public source |
 * |---|---|---|---|
 * | `hang` | the request is accepted and never answered until the client aborts or disconnects | | any network peer; why clients need timeouts |
 * | `latency` | the normal answer, late | `latencyMs` (1000) | any network peer |
 * | `redirect` | a redirect to another origin | `status` (307), `location` (`http://127.0.0.1:9` + the path) | RFC 9700 §4.12 (a 307 carries a POST body to the new origin) |
 * | `html` | Akamai's "Access Denied" HTML page | `status` (403; 200 plays a gateway that says OK) | github.com/tylerebowers/Schwabdev/issues/61 |
 * | `status` | a short JSON error | `status` (503) | TD's token endpoint documented 500 and 503 (developer.tdameritrade.com "Post Access Token") |
 * | `empty` | no body, JSON content type | `status` (200) | any gateway |
 * | `truncated` | the real answer cut in half (the route ran) | | a connection cut mid-answer |
 * | `huge` | the real answer padded with spaces, chunked | `sizeBytes` (5 MiB) | any gateway |
 * | `expires-in` | the real token answer with `expires_in` replaced (token target only) | `expiresIn` (e.g. 0, -1, 1e306, "1800") | RFC 6749 §5.1 |
 * | `control-characters` | the real token answer with CR, LF and NUL in a token (token target only) | `field` (`"access_token"`) | RFC 6750 §2.1 (the syntax a bearer token must fit) |
 *
 * @example
 * import { startEmulator } from "tdauth/emulator";
 * const running = await startEmulator({ autoApprove: true, schwabOneSessionPerUser: true });
 * // point a provider's baseURL at running.url, log in, call the API...
 * await fetch(`${running.url}/__emulator/faults`, {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ target: "token", kind: "hang" }),
 * });
 * await running.close();
 *
 * @module
 */

// Everything but the server is the portable module's, which Workers get alone (package.json conditions).
export * from "./portable.ts";
export { startEmulator } from "./serve.ts";

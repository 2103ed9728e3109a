// The Python library's README's "Usage" example: log in, then quotes for one and for two symbols.
import { TDClient } from "tdauth";
import { exampleConfig } from "./_config.ts";

const config = exampleConfig();

// Create a new session; the credentials file keeps the tokens between runs.
const tdSession = new TDClient({
  clientId: config.clientId,
  redirectURI: config.redirectURI,
  credentialsPath: config.credentialsPath,
  provider: config.provider,
});

// Login to the session (silently, when the stored tokens still work).
await tdSession.login();

// Grab real-time quotes for 'MSFT' (Microsoft).
const msftQuotes = await tdSession.getQuotes(["MSFT"]);

// Grab real-time quotes for 'AMZN' (Amazon) and 'SQ' (Square).
const multipleQuotes = await tdSession.getQuotes(["AMZN", "SQ"]);

console.log(JSON.stringify({ msftQuotes, multipleQuotes }));

// Where the TDClient examples get what the Python samples hard-coded as '<CLIENT_ID>' etc.:
// environment variables, so the same files run against TD, Schwab or the local emulator.
import { type Provider, schwab, tdAmeritrade } from "tdauth";

/** The settings every TDClient example needs. */
export interface ExampleConfig {
  clientId: string;
  redirectURI: string;
  credentialsPath: string;
  accountNumber: string;
  provider: Provider;
}

/** Reads TDAUTH_CLIENT_ID, TDAUTH_REDIRECT_URI, TDAUTH_CREDENTIALS, TDAUTH_ACCOUNT, TDAUTH_EMULATOR_URL (the emulator to use instead of the real servers). */
export function exampleConfig(): ExampleConfig {
  const env = process.env;
  const clientId = env.TDAUTH_CLIENT_ID ?? "<CLIENT_ID>";
  const redirectURI = env.TDAUTH_REDIRECT_URI ?? "https://127.0.0.1";
  const baseURL = env.TDAUTH_EMULATOR_URL;
  const provider = env.TDAUTH_PROVIDER === "schwab"
    ? schwab({ clientId, clientSecret: env.TDAUTH_CLIENT_SECRET ?? "", redirectURI, ...(baseURL ? { baseURL } : {}) })
    : tdAmeritrade({ clientId, redirectURI, ...(baseURL ? { baseURL } : {}) });
  return {
    clientId,
    redirectURI,
    credentialsPath: env.TDAUTH_CREDENTIALS ?? "./td_state.json",
    accountNumber: env.TDAUTH_ACCOUNT ?? "<ACCOUNT_NUMBER>",
    provider,
  };
}

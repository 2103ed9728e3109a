// The Python library's samples/api_regular.py: quotes for a stock, an option, a future, a forex pair and
// two stocks, then one account with its orders.
import { TDClient } from "tdauth";
import { exampleConfig } from "./_config.ts";

const config = exampleConfig();

const tdClient = new TDClient({
  clientId: config.clientId,
  redirectURI: config.redirectURI,
  credentialsPath: config.credentialsPath,
  accountNumber: config.accountNumber,
  provider: config.provider,
});
await tdClient.login();

const results: Record<string, unknown> = {};
for (const instruments of [["SQ"], ["MSFT_041720C75"], ["/ES"], ["AUD/USD"], ["SQ", "MSFT"]]) {
  results[instruments.join(",")] = await tdClient.getQuotes(instruments);
}
results.account = await tdClient.getAccounts({ account: config.accountNumber, fields: ["orders"] });

console.log(JSON.stringify(results));

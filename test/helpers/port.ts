// A port for a server that must name it before it binds: a redirect URI registered up front.
import { createServer } from "node:net";

/** Below every OS's ephemeral range (Linux 32768–60999, IANA and macOS/Windows 49152–65535). */
const LOW = 20_000;
const HIGH = 32_768;

async function canBind(port: number): Promise<boolean> {
  const server = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => resolve(true));
  });
  if (bound) await new Promise((resolve) => server.close(resolve));
  return bound;
}

/**
 * A free TCP port on 127.0.0.1, picked at random outside the range the OS hands out for port 0 and
 * outgoing connections: a port asked of the OS (listen on 0, then close) can be handed straight to
 * another test's server or socket before this test binds it, which made logins fail now and then.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port on 127.0.0.1 between ${LOW} and ${HIGH} after 100 tries`);
}

// The local entry of "tdauth" (Node, Deno, Bun): the core's exports, with TDClient and TDAuth
// wired to the credentials file, the terminal and the callback server; and the core's own
// TDClient and TDAuth (what Workers get), which say what to pass instead.
import { describe, expect, it } from "vitest";
import { DEFAULT_TD_APP } from "../../../emulator/mod.ts";
import { MemoryStore } from "../../../core/memory_store.ts";
import { TDAuth as PortableTDAuth } from "../../../core/td_auth.ts";
import { TDClient as PortableTDClient } from "../../../core/td_client.ts";
import { TDAuth, TDClient } from "../../../adapters/local/mod.ts";

describe("TDClient and TDAuth as Workers get them (core/mod.ts)", () => {
  const options = { clientId: DEFAULT_TD_APP.clientId, redirectURI: DEFAULT_TD_APP.redirectURIs[0]! };

  it("say what to pass instead of a credentials file, a terminal or a local server", async () => {
    await expect(new PortableTDClient(options).session()).rejects.toThrow(/no file system.*pass \{ store \}/);
    await expect(new PortableTDAuth({ ...options, credentialsPath: "/tmp/x.json" }).session()).rejects.toThrow(/no file system/);
    const withStore = new PortableTDClient({ ...options, store: new MemoryStore(), log: () => {} });
    await expect(withStore.login()).rejects.toThrow(/no terminal.*pass \{ prompt \}/);
    const flask = new PortableTDClient({ ...options, store: new MemoryStore(), authFlow: "flask" });
    await expect(flask.login()).rejects.toThrow(/createWorker\(\) from tdauth\/worker/);
  });

  it("work with a store and a prompt, and are what the local entry replaces with the local ones", async () => {
    const core = await import("../../../core/mod.ts");
    expect(core.TDClient).toBe(PortableTDClient);
    expect(core.TDAuth).toBe(PortableTDAuth);
    expect(TDAuth.prototype).toBeInstanceOf(PortableTDAuth);
    expect(new TDClient(options)).toBeInstanceOf(PortableTDClient);
    // Everything else the local entry exports is the core's, the very same objects.
    const local = await import("../../../adapters/local/mod.ts");
    for (const name of Object.keys(core).filter((n) => n !== "TDClient" && n !== "TDAuth")) {
      expect(local[name as keyof typeof local], name).toBe(core[name as keyof typeof core]);
    }
    const auth = new PortableTDAuth({ ...options, store: new MemoryStore() });
    expect((await auth.authorizationURL()).url).toContain("client_id=");
  });
});

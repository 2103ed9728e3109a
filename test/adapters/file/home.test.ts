// tdauth's folder, resolved one way for the credentials file, the loopback certificate and the CLI.
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { expandHome, tdauthHome } from "../../../adapters/file/_home.ts";
import { defaultCertDir } from "../../../adapters/hono/cert.ts";
import { resolveSettings } from "../../../cli/_config.ts";

describe("tdauthHome", () => {
  it("is ~/.td_python_api without TDAUTH_HOME, or with a blank one", () => {
    expect(tdauthHome({})).toBe(join(homedir(), ".td_python_api"));
    expect(tdauthHome({ TDAUTH_HOME: "  " })).toBe(join(homedir(), ".td_python_api"));
  });
  it("takes TDAUTH_HOME trimmed, with ~ expanded, made absolute", () => {
    expect(tdauthHome({ TDAUTH_HOME: " /srv/td " })).toBe("/srv/td");
    expect(tdauthHome({ TDAUTH_HOME: "~" })).toBe(homedir());
    expect(tdauthHome({ TDAUTH_HOME: "~/td" })).toBe(join(homedir(), "td"));
    expect(tdauthHome({ TDAUTH_HOME: "rel/td" })).toBe(resolve("rel/td"));
  });
  it("is the one answer of the credentials file, the certificate folder and the CLI's settings", () => {
    const env = { TDAUTH_HOME: "~/td" };
    expect(defaultCertDir(env)).toBe(join(homedir(), "td"));
    expect(resolveSettings({}, env).configPath).toBe(join(homedir(), "td", "tdauth.json"));
    expect(resolveSettings({}, env).credentialsPath).toBe(join(homedir(), "td", "td_state.json"));
    expect(resolveSettings({}, { ...env, TDAUTH_CREDENTIALS: "~/elsewhere.json" }).credentialsPath).toBe(join(homedir(), "elsewhere.json"));
  });
});

describe("expandHome", () => {
  it("expands a leading ~ alone or before a slash, and nothing else", () => {
    expect(expandHome("~/a/b")).toBe(join(homedir(), "a/b"));
    expect(expandHome("~user/a")).toBe("~user/a");
    expect(expandHome("/a/~/b")).toBe("/a/~/b");
  });
});

// Resolves the session settings (flag, then TDAUTH_* variable, then tdauth.json in TDAUTH_HOME, or
// in the profile's folder) and opens the AuthSession on the credentials file. Loads only core + file store/lock: no Hono,
// no jose (FileStore imports jose only when a key is configured).

import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { expandHome, tdauthHome } from "../adapters/file/_home.ts";
import { entryKind, tightenFileMode } from "../adapters/file/_fs.ts";
import { AuthSession } from "../core/session.ts";
import type { AuthSessionOptions } from "../core/session_types.ts";
import type { Provider } from "../core/provider.ts";
import type { StoredTokens } from "../core/types.ts";
import type { CredentialsFormat } from "../adapters/file/store.ts";
import { schwab } from "../core/providers/schwab.ts";
import { tdAmeritrade } from "../core/providers/td_ameritrade.ts";
import { DEFAULT_SCHWAB_APP } from "../emulator/apps.ts";
import { oneOf } from "./_args.ts";
import { openCredentials } from "./_credentials.ts";
import { denoRefusal } from "./_deno_permission.ts";
import { CLIError, usageError } from "./_errors.ts";
import { checkProfileName, profileFolder } from "./_profiles.ts";
import { cliLoginOrigin } from "./_login_origin.ts";
import { fetchNamingURL } from "./_network.ts";
import type { IO } from "./_output.ts";

/**
 * The providers the CLI knows; `emulator` is the Schwab-flavoured app of a local emulator.
 * @example
 * ```ts
 * const name: ProviderName = "emulator";
 * ```
 */
export type ProviderName = "td" | "schwab" | "emulator";
const PROVIDERS: readonly ProviderName[] = ["td", "schwab", "emulator"];

/**
 * The default port of `tdauth emulator`, and so of `--provider emulator`.
 * @example
 * ```ts
 * const url = `http://127.0.0.1:${EMULATOR_PORT}`;
 * ```
 */
export const EMULATOR_PORT = 8777;
const SCHWAB_REDIRECT = "https://127.0.0.1:8182";

/**
 * Everything needed to open a session, with where each value came from resolved.
 * @example
 * ```ts
 * const settings = resolveSettings(values, io.env);
 * ```
 */
export interface Settings {
  provider: ProviderName;
  /** True when no flag, variable or config file chose the provider. */
  providerDefaulted: boolean;
  clientId?: string;
  clientSecret?: string;
  redirectURI?: string;
  credentialsPath: string;
  emulatorURL: string;
  /** True when no flag, variable or config file set the emulator's URL. */
  emulatorURLDefaulted: boolean;
  /** TD Ameritrade at a base URL of its own, as the credentials file remembers it. */
  baseURL?: string;
  /** tdauth.json, whether or not it exists. */
  configPath: string;
  /** The profile (`--profile`, `TDAUTH_PROFILE`) whose folder holds tdauth.json and td_state.json; absent for the default. */
  profile?: string;
  /** The config file's other keys (flow, timeout) for commands that read them. */
  config: Record<string, unknown>;
  /** Warnings found while reading the settings (a config file others could read), printed once by {@link openSession}. */
  warnings?: string[];
}

const CONFIG_KEYS = new Set(["provider", "clientId", "clientSecret", "redirectURI", "credentials", "emulatorURL", "flow", "timeout"]);

function readConfig(path: string, warnings: string[]): Record<string, unknown> {
  const cannotRead = (error: unknown) => usageError(`cannot read ${path}: ${(error as Error).message}`);
  let text: string;
  try {
    // A FIFO or a device would block the read or never end: only a file (or a link to one) is read.
    const st = statSync(path);
    if (!st.isFile()) throw usageError(`${path} is ${entryKind(st, path)}, not a file`, "remove it, or set TDAUTH_HOME to another folder");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return {};
    throw error instanceof CLIError || denoRefusal(error) ? error : cannotRead(error);
  }
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (denoRefusal(error)) throw error;
    throw cannotRead(error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw usageError(
      `${path} is not valid JSON`,
      "fix or delete it; keys: provider, clientId, clientSecret, redirectURI, credentials, emulatorURL, flow, timeout",
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw usageError(`${path} must hold a JSON object`);
  for (const [key, value] of Object.entries(json)) {
    if (!CONFIG_KEYS.has(key)) throw usageError(`${path}: unknown key "${key}"`, `known keys: ${[...CONFIG_KEYS].join(", ")}`);
    if (key !== "timeout" && typeof value !== "string") throw usageError(`${path}: "${key}" must be a string`);
  }
  // It holds a secret: private like the credentials file, with the same warning when it was not.
  if ("clientSecret" in json) {
    const warning = tightenFileMode(path);
    if (warning !== undefined) warnings.push(warning);
  }
  return json as Record<string, unknown>;
}

/**
 * Settings from flags, then environment variables, then `tdauth.json` in `TDAUTH_HOME`
 * (default `~/.td_python_api`). With a profile (`--profile NAME`, else `TDAUTH_PROFILE`) that
 * folder is `TDAUTH_HOME/profiles/NAME`: its own tdauth.json and td_state.json.
 *
 * @example
 * ```ts
 * resolveSettings({ provider: "emulator" }, { TDAUTH_HOME: "/tmp/x" }).credentialsPath; // "/tmp/x/td_state.json"
 * resolveSettings({ profile: "paper" }, { TDAUTH_HOME: "/tmp/x" }).credentialsPath;     // "/tmp/x/profiles/paper/td_state.json"
 * ```
 */
export function resolveSettings(
  flags: Record<string, string | boolean | string[] | undefined>,
  env: Record<string, string | undefined>,
): Settings {
  const root = tdauthHome(env);
  const profile = profileOf(flags, env);
  const home = profile === undefined ? root : profileFolder(root, profile);
  const configPath = join(home, "tdauth.json");
  const warnings: string[] = [];
  const config = readConfig(configPath, warnings);
  const pick = (flag: string, variable: string, key: string): string | undefined => {
    const value = flags[flag] ?? env[variable] ?? config[key];
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const providerText = pick("provider", "TDAUTH_PROVIDER", "provider");
  const providerSource = flags.provider !== undefined
    ? "--provider"
    : env.TDAUTH_PROVIDER
    ? "TDAUTH_PROVIDER"
    : `"provider" in ${configPath}`;
  const provider = oneOf(providerSource, providerText, PROVIDERS) ?? "schwab";
  const credentials = pick("credentials", "TDAUTH_CREDENTIALS", "credentials");
  const emulatorURL = pick("emulator-url", "TDAUTH_EMULATOR_URL", "emulatorURL");
  const settings: Settings = {
    provider,
    providerDefaulted: providerText === undefined,
    credentialsPath: credentials ? resolve(expandHome(credentials)) : join(home, "td_state.json"),
    emulatorURL: trimSlashes(emulatorURL ?? `http://127.0.0.1:${EMULATOR_PORT}`),
    emulatorURLDefaulted: emulatorURL === undefined,
    configPath,
    config,
    ...(profile === undefined ? {} : { profile }),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  const clientId = pick("client-id", "TDAUTH_CLIENT_ID", "clientId");
  const clientSecret = pick("client-secret", "TDAUTH_CLIENT_SECRET", "clientSecret");
  const redirectURI = pick("redirect-uri", "TDAUTH_REDIRECT_URI", "redirectURI");
  if (clientId !== undefined) settings.clientId = clientId;
  if (clientSecret !== undefined) settings.clientSecret = clientSecret;
  if (redirectURI !== undefined) settings.redirectURI = redirectURI;
  return settings;
}

/** The profile named by `--profile`, else `TDAUTH_PROFILE` (empty means none), checked. */
function profileOf(flags: Record<string, unknown>, env: Record<string, string | undefined>): string | undefined {
  if (typeof flags.profile === "string") return checkProfileName(flags.profile, "--profile");
  const fromEnv = env.TDAUTH_PROFILE?.trim();
  return fromEnv ? checkProfileName(fromEnv, "TDAUTH_PROFILE") : undefined;
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * The settings with what the credentials file remembers filling in what nothing else set: the
 * provider (a Schwab record with a base URL is the emulator's), the emulator's URL, and the client
 * id when the provider is the one that issued the tokens.
 *
 * @example
 * ```ts
 * withRemembered(settings, { ...tokens, provider: "schwab", baseURL: "http://127.0.0.1:9000" }).provider; // "emulator"
 * ```
 */
export function withRemembered(settings: Settings, stored: StoredTokens | null): Settings {
  if (!stored?.provider) return settings;
  const remembered: ProviderName | undefined = stored.provider === "td-ameritrade"
    ? "td"
    : stored.provider === "schwab"
    ? stored.baseURL === undefined ? "schwab" : "emulator"
    : undefined;
  if (remembered === undefined) return settings;
  const next = { ...settings };
  if (settings.providerDefaulted) next.provider = remembered;
  if (next.provider !== remembered) return settings;
  if (remembered === "emulator" && settings.emulatorURLDefaulted) next.emulatorURL = trimSlashes(stored.baseURL!);
  if (remembered === "td" && stored.baseURL !== undefined) next.baseURL = stored.baseURL;
  if (next.clientId === undefined && stored.clientId !== undefined) next.clientId = stored.clientId;
  return next;
}

/** The base URL a provider made from `settings` is pointed at, when not its own servers. */
function baseURLOf(settings: Settings): string | undefined {
  return settings.provider === "emulator" ? settings.emulatorURL : settings.provider === "td" ? settings.baseURL : undefined;
}

function missing(what: string, flag: string, variable: string, key: string, settings: Settings): never {
  throw usageError(`no ${what} is configured`, `pass ${flag}, set ${variable}, or add "${key}" to ${settings.configPath}`);
}

/**
 * The provider profile for the settings. `lenient` (status, logout: no request is made) fills a
 * missing client id, secret or redirect URI with a placeholder instead of failing.
 *
 * @example
 * ```ts
 * const provider = makeProvider(settings);
 * ```
 */
export function makeProvider(settings: Settings, options: { lenient?: boolean } = {}): Provider {
  const lenient = options.lenient === true;
  try {
    if (settings.provider === "emulator") {
      return schwab({
        clientId: settings.clientId ?? DEFAULT_SCHWAB_APP.clientId,
        clientSecret: settings.clientSecret ?? DEFAULT_SCHWAB_APP.clientSecret!,
        redirectURI: settings.redirectURI ?? SCHWAB_REDIRECT,
        baseURL: settings.emulatorURL,
      });
    }
    const clientId = settings.clientId ?? (lenient ? "unconfigured" : undefined);
    if (clientId === undefined) missing("client id", "--client-id", "TDAUTH_CLIENT_ID", "clientId", settings);
    if (settings.provider === "td") {
      const redirectURI = settings.redirectURI ?? (lenient ? "https://127.0.0.1" : undefined);
      if (redirectURI === undefined) missing("redirect URI", "--redirect-uri", "TDAUTH_REDIRECT_URI", "redirectURI", settings);
      return tdAmeritrade({ clientId, redirectURI, ...(settings.baseURL === undefined ? {} : { baseURL: settings.baseURL }) });
    }
    const clientSecret = settings.clientSecret ?? (lenient ? "unconfigured" : undefined);
    if (clientSecret === undefined) missing("client secret", "--client-secret", "TDAUTH_CLIENT_SECRET", "clientSecret", settings);
    return schwab({ clientId, clientSecret, redirectURI: settings.redirectURI ?? SCHWAB_REDIRECT });
  } catch (error) {
    // The providers check ids and redirect URIs up front with a TypeError naming the value.
    if (error instanceof TypeError) throw usageError(error.message);
    throw error;
  }
}

/**
 * Prints the warnings found while resolving the settings, once (a command that opens the session
 * twice, or not at all, still shows each once).
 *
 * @example
 * ```ts
 * printSettingsWarnings(settings, io);
 * ```
 */
export function printSettingsWarnings(settings: Settings, io: IO): void {
  for (const message of settings.warnings?.splice(0) ?? []) io.err(`${io.yellow("warning:")} ${message}`);
}

/**
 * An opened session and the settings it was opened with (after what the credentials file
 * remembers was filled in).
 * @example
 * ```ts
 * const { session, settings: used } = await openCLISession(settings, io);
 * ```
 */
export interface OpenedSession {
  session: AuthSession;
  settings: Settings;
}

/**
 * How {@link openSession} opens the session: `lenient` (status, logout: no request is made)
 * fills missing app settings with placeholders; `format` is the layout the credentials file is
 * written in (default: the one it has).
 * @example
 * ```ts
 * const options: OpenSessionOptions = { format: "schwab-py" };
 * ```
 */
export interface OpenSessionOptions {
  lenient?: boolean;
  format?: CredentialsFormat;
  /** Session options a command sets itself (login's wait, check's window). */
  session?: Pick<AuthSessionOptions, "reloginWarnMs" | "authorizationTimeoutMs">;
}

/**
 * An AuthSession on the credentials file, with the store's own lock: a FileLock beside the file's
 * real path (the lock `TDClient({ multiprocessingSafe: true })` and a plain `new FileStore()` use, so
 * all cooperate), loaded on first use: handing out a fresh token never takes it.
 *
 * @example
 * ```ts
 * const session = await openSession(settings, io);
 * console.log(await session.accessToken());
 * ```
 */
export async function openSession(settings: Settings, io: IO, options: OpenSessionOptions = {}): Promise<AuthSession> {
  return (await openCLISession(settings, io, options)).session;
}

/**
 * {@link openSession}, also answering the settings used.
 * @example
 * ```ts
 * const { session, settings: used } = await openCLISession(settings, io, { lenient: true });
 * ```
 */
export async function openCLISession(settings: Settings, io: IO, options: OpenSessionOptions = {}): Promise<OpenedSession> {
  const onWarning = (message: string): void => io.err(`${io.yellow("warning:")} ${message}`);
  printSettingsWarnings(settings, io);
  const store = openCredentials(settings.credentialsPath, onWarning, options.format);
  // Only a record can say what nothing else did; a fully configured run reads the file once.
  if (
    settings.providerDefaulted || (settings.provider === "emulator" && settings.emulatorURLDefaulted) || settings.clientId === undefined
  ) {
    settings = withRemembered(settings, await store.load());
  }
  store.rememberBaseURL(baseURLOf(settings));
  const provider = makeProvider(settings, options);
  const session = new AuthSession({ provider, store, fetch: fetchNamingURL, loginOrigin: cliLoginOrigin(), ...options.session });
  return { session, settings };
}

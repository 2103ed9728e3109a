// Files move both ways between tdauth and the Python `td` library (its credentials file's keys and dates).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { FileStore } from "../../../adapters/file/store.ts";
import { tempDir } from "./_helpers.ts";

// Naive local dates mean "the writer's local time": Python runs in this process's time zone.
const python = (script: string, ...args: string[]): string =>
  execFileSync("python3", ["-c", script, ...args], { encoding: "utf8", env: process.env });

// td/client.py `_token_save(token_dict, includes_refresh=True)` then `_state_manager('save')`.
const PY_TOKEN_SAVE = `
import json, sys, time, datetime
path = sys.argv[1]
state = {'access_token': None, 'refresh_token': None, 'logged_in': False}
token_dict = {'access_token': 'PY-ACCESS', 'refresh_token': 'PY-REFRESH', 'expires_in': 1800,
              'refresh_token_expires_in': 7776000, 'scope': 'PlaceTrades', 'token_type': 'Bearer'}
state['access_token'] = token_dict['access_token']
state['refresh_token'] = token_dict['refresh_token']
state['logged_in'] = True
state['access_token_expires_at'] = time.time() + int(token_dict['expires_in'])
state['access_token_expires_at_date'] = datetime.datetime.fromtimestamp(state['access_token_expires_at']).isoformat()
state['refresh_token_expires_at'] = time.time() + int(token_dict['refresh_token_expires_in'])
state['refresh_token_expires_at_date'] = datetime.datetime.fromtimestamp(state['refresh_token_expires_at']).isoformat()
with open(path, 'w+') as f:
    json.dump(obj=state, fp=f, indent=4)
print(json.dumps([state['access_token_expires_at'], state['refresh_token_expires_at']]))
`;

// td/client.py `_state_manager('init')` + the key checks and thresholds of `validate_token`,
// then a save as the library would do it (merging whatever was in the file).
const PY_LOAD_VALIDATE = `
import json, sys, datetime
path = sys.argv[1]
state = {'access_token': None, 'refresh_token': None, 'logged_in': False}
with open(path, 'r') as f:
    state.update(json.load(f))
assert 'refresh_token_expires_at' in state and 'access_token_expires_at' in state, 'no expiration times'
for k in ('access_token_expires_at', 'refresh_token_expires_at'):
    assert isinstance(state[k], (int, float)) and not isinstance(state[k], bool), k
    assert datetime.datetime.fromisoformat(state[k + '_date']) == datetime.datetime.fromtimestamp(state[k]), k
    assert state[k + '_date'] == datetime.datetime.fromtimestamp(state[k]).isoformat(), (state[k + '_date'], datetime.datetime.fromtimestamp(state[k]).isoformat())
assert isinstance(state['access_token'], str) and isinstance(state['refresh_token'], str)
now = datetime.datetime.now().timestamp()
refresh_threshold = datetime.datetime.fromtimestamp(state['refresh_token_expires_at']) - datetime.timedelta(days=2)
access_threshold = datetime.datetime.fromtimestamp(state['access_token_expires_at']) - datetime.timedelta(minutes=5)
print(json.dumps({
  'grab_refresh': now > refresh_threshold.timestamp(),
  'grab_access': now > access_threshold.timestamp(),
  'logged_in': state['logged_in'],
}))
state['access_token'] = 'PY-ACCESS-2'
with open(path, 'w+') as f:
    json.dump(obj=state, fp=f, indent=4)
`;

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe("Python td library compatibility", () => {
  it("loads a file written by the Python library with the right expiries", async () => {
    const path = join(dir, "td_state.json");
    const [accessAt, refreshAt] = JSON.parse(python(PY_TOKEN_SAVE, path)) as [number, number];
    const tokens = await new FileStore(path, { onWarning: () => {} }).load();
    expect(tokens).not.toBeNull();
    expect(tokens!.accessToken).toBe("PY-ACCESS");
    expect(tokens!.refreshToken).toBe("PY-REFRESH");
    expect(tokens!.tokenType).toBe("Bearer");
    expect(Math.abs(tokens!.accessExpiresAt - accessAt * 1000)).toBeLessThanOrEqual(1);
    expect(Math.abs(tokens!.refreshExpiresAt! - refreshAt * 1000)).toBeLessThanOrEqual(1);
    // No authorized_at in a Python file: the refresh token's issue time stands in for the login.
    expect(Math.abs(tokens!.authorizedAt - (refreshAt * 1000 - 90 * 86_400_000))).toBeLessThanOrEqual(1);
    expect(Math.abs(tokens!.authorizedAt - Date.now())).toBeLessThan(60_000);
  });

  it.each([
    ["fresh tokens", 1_800_000, 80 * 86_400_000, false, false],
    ["an access token inside the 5-minute skew", 240_000, 80 * 86_400_000, true, false],
    ["a refresh token inside the 2-day window", 1_800_000, 86_400_000, false, true],
  ])("writes a file the Python library accepts: %s", async (_name, accessIn, refreshIn, grabAccess, grabRefresh) => {
    const path = join(dir, "td_state.json");
    const now = Date.now();
    // A fractional millisecond-free expiry and a whole-second one (Python drops ".000000").
    for (const accessExpiresAt of [now + accessIn, Math.floor((now + accessIn) / 1000) * 1000]) {
      await new FileStore(path).save({
        accessToken: "TS-ACCESS",
        refreshToken: "TS-REFRESH",
        tokenType: "Bearer",
        scope: "PlaceTrades",
        accessExpiresAt,
        refreshExpiresAt: now + refreshIn,
        authorizedAt: now,
        provider: "td-ameritrade",
      });
      const verdict = JSON.parse(python(PY_LOAD_VALIDATE, path));
      expect(verdict).toEqual({ grab_access: grabAccess, grab_refresh: grabRefresh, logged_in: true });
      // The Python library saved it back (merging our keys); it still loads here with them.
      const again = await new FileStore(path).load();
      expect(again?.accessToken).toBe("PY-ACCESS-2");
      expect(again?.provider).toBe("td-ameritrade");
      expect(again?.authorizedAt).toBe(now);
      await new FileStore(path).clear();
    }
  });

  it("writes naive local ISO dates exactly as Python's isoformat()", async () => {
    const { naiveLocalISO } = await import("../../../adapters/file/_format.ts");
    const samples = [0, 1_000, 1_795_870_740_997, 1_795_870_740_000, 951_782_400_123, 2_000_000_000_999];
    const prevTZ = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      const expected = JSON.parse(python(
        `
import json, sys, datetime
print(json.dumps([datetime.datetime.fromtimestamp(ms / 1000).isoformat() for ms in json.loads(sys.argv[1])]))
`,
        JSON.stringify(samples),
      ));
      expect(samples.map((ms) => naiveLocalISO(ms))).toEqual(expected);
    } finally {
      if (prevTZ === undefined) delete process.env.TZ;
      else process.env.TZ = prevTZ;
    }
  });
});

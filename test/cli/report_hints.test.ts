// The hint under an error line of the CLI: a token request that got no reply points at the network.
import { describe, expect, it } from "vitest";
import { terminal } from "../../cli/_output.ts";
import { report } from "../../cli/_report.ts";
import { tokenRequestFailure } from "../../core/token_errors.ts";
import { emulatorSchwab } from "../helpers/login.ts";

describe("the CLI's report of a token request that got no answer in time", () => {
  it("hints at the network, not at the server or the client id", () => {
    const lines: string[] = [];
    const io = terminal({ write: () => {} }, { write: (text: string) => void lines.push(text) }, {});
    const outcome = {
      kind: "transient",
      status: 0,
      detail: "no answer within 10000 ms at https://api.schwabapi.com/v1/oauth/token",
    } as const;
    const error = tokenRequestFailure(outcome, emulatorSchwab("https://api.schwabapi.com"), {
      grantType: "refresh_token",
      refreshToken: "RT",
    }, 4);
    expect(report(io, error)).toBe(1);
    expect(lines.join("")).toMatch(/^hint: check the network connection/m);
    expect(lines.join("")).not.toMatch(/client id|kept failing/);
  });
});

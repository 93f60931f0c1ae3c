import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { SourceProtocolError } from "../../../net/errors.ts";
import { XmlRpcFaultError } from "./fault.ts";
import { multicallResults } from "./multicall.ts";
import { parseMethodResponse } from "./reader.ts";

/** rTorrent 0.9.8's answer to a system.multicall of a known and an unknown method, captured verbatim over SCGI. */
const RTORRENT_MULTICALL = readFileSync(
  new URL("../fixtures/system-multicall.xml", import.meta.url),
  "utf8",
);

describe("multicallResults", () => {
  it("splits system.multicall results into values and faults", () => {
    const results = multicallResults(parseMethodResponse(RTORRENT_MULTICALL), 2, "w");
    assert.equal(results[0], 0);
    assert.ok(results[1] instanceof XmlRpcFaultError);
    assert.equal(results[1].faultCode, -506);
    assert.throws(
      () => multicallResults(parseMethodResponse(RTORRENT_MULTICALL), 3, "w"),
      SourceProtocolError,
    );
    assert.throws(() => multicallResults([["a", "b"]], 1, "w"), SourceProtocolError);
  });
});

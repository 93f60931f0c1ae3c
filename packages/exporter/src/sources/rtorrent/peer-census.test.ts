import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SourceProtocolError } from "../../net/errors.ts";
import { CENSUS_BATCH, countPeers, peerCensusCalls } from "./peer-census.ts";
import { encodeMethodCall } from "./xmlrpc/encoder.ts";
import { XmlRpcFaultError } from "./xmlrpc/fault.ts";

describe("the peer census", () => {
  it("asks one p.multicall per item, with rTorrent's upper-case hash and the six flags packed", () => {
    assert.deepEqual(peerCensusCalls(["abc"]), [
      {
        method: "p.multicall",
        params: [
          "ABC",
          "",
          "cat=$p.is_encrypted=,$p.is_incoming=,$p.is_obfuscated=,$p.is_preferred=,$p.is_snubbed=,$p.is_unwanted=",
        ],
      },
    ]);
  });

  it("counts each peer in total and in every kind it has; an item gone meanwhile counts nothing", () => {
    const counts = countPeers(
      [
        [["110000"], ["001111"]],
        new XmlRpcFaultError(-501, "Could not find info-hash.", "x"),
        [["100000"]],
        [],
      ],
      "x",
    );
    assert.deepEqual(counts, {
      total: 3,
      encrypted: 2,
      incoming: 1,
      obfuscated: 1,
      preferred: 1,
      snubbed: 1,
      unwanted: 1,
    });
  });

  it("keeps a batch's request below the 512 KiB rTorrent reads by default, with room to spare", () => {
    const hashes = Array.from({ length: CENSUS_BATCH }, (_, i) => i.toString(16).padStart(40, "f"));
    const calls = peerCensusCalls(hashes).map((c) => ({ methodName: c.method, params: c.params }));
    const bytes = Buffer.byteLength(encodeMethodCall("system.multicall", [calls]));
    assert.ok(bytes < 256 * 1024, `${bytes} bytes`);
  });

  it("refuses answers of another shape", () => {
    assert.throws(() => countPeers(["nope"], "x"), SourceProtocolError);
    assert.throws(() => countPeers([[["10"]]], "x"), SourceProtocolError);
    assert.throws(() => countPeers([[[1, 0, 0, 0, 0, 0]]], "x"), SourceProtocolError);
  });
});

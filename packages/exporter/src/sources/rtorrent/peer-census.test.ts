import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SourceProtocolError } from "../../net/errors.ts";
import { countPeers, peerCensusCalls } from "./peer-census.ts";
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

  it("refuses answers of another shape", () => {
    assert.throws(() => countPeers(["nope"], "x"), SourceProtocolError);
    assert.throws(() => countPeers([[["10"]]], "x"), SourceProtocolError);
    assert.throws(() => countPeers([[[1, 0, 0, 0, 0, 0]]], "x"), SourceProtocolError);
  });
});

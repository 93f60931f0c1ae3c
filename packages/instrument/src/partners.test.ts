// The partner table lookup: host:port as channel-exporter's netloc, default ports, paths to action codes.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveOptions } from "./options.ts";
import { Partners } from "./partners.ts";

const partners = new Partners(
  resolveOptions({
    syscode: "A123456789",
    partners: {
      "d002.youtu.example:38087": {
        partner: 1,
        paths: { "/youtu/api/facecompare": 807, "/x": "" },
      },
      "gzt.example": { partner: 2, paths: { "/ocr": 401 } },
      "[::1]:9000": { partner: "v6", paths: { "/a": 1 } },
    },
  }).partners,
);

describe("Partners", () => {
  it("matches host and port exactly, the path without its query, and gives '' for other paths", () => {
    assert.deepEqual(
      partners.match("D002.youtu.example", 38087, 80, "/youtu/api/facecompare?a=1"),
      {
        partner: "1",
        actionCode: "807",
      },
    );
    assert.deepEqual(partners.match("d002.youtu.example", 38087, 443, "/other"), {
      partner: "1",
      actionCode: "",
    });
    assert.equal(partners.match("d002.youtu.example", 38088, 80, "/x"), undefined);
    assert.equal(partners.match("elsewhere.example", 38087, 80, "/x"), undefined);
  });

  it("lets a key without a port match the scheme's default port only", () => {
    assert.deepEqual(partners.match("gzt.example", 443, 443, "/ocr"), {
      partner: "2",
      actionCode: "401",
    });
    assert.deepEqual(partners.match("gzt.example", 80, 80, "/ocr"), {
      partner: "2",
      actionCode: "401",
    });
    assert.equal(partners.match("gzt.example", 8080, 80, "/ocr"), undefined);
  });

  it("knows IPv6 hosts with or without brackets, and filters by host first", () => {
    assert.deepEqual(partners.match("::1", 9000, 80, "/a"), { partner: "v6", actionCode: "1" });
    assert.deepEqual(partners.match("[::1]", 9000, 80, "/a"), { partner: "v6", actionCode: "1" });
    assert.equal(partners.hasHost("::1"), true);
    assert.equal(partners.hasHost("GZT.example"), true);
    assert.equal(partners.hasHost("127.0.0.1"), false);
    // Answers are remembered by host as given: asked again, the same.
    for (const host of ["::1", "GZT.example", "127.0.0.1", "gzt.example"]) {
      assert.equal(partners.hasHost(host), host !== "127.0.0.1", host);
    }
    assert.equal(partners.empty, false);
    assert.equal(new Partners({}).empty, true);
  });
});

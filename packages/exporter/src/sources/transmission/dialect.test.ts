// Tests of the two RPC dialects over recorded 3.00 answers and 4.1 answers written from its specification.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { SourceProtocolError } from "../../net/errors.ts";
import {
  decodeAnswer,
  dialectFor,
  encodeRequest,
  snakeCase,
  TransmissionRpcError,
  torrentFieldName,
  torrentsPath,
} from "./dialect.ts";

function fixture(version: "3.00" | "4.1", name: string): unknown {
  return JSON.parse(
    readFileSync(new URL(`./fixtures/${version}/${name}`, import.meta.url), "utf8"),
  );
}

describe("Transmission dialects", () => {
  it("picks JSON-RPC only when the 409 announces RPC 6.0.0 or later (Transmission 4.1)", () => {
    const recorded300 = fixture("3.00", "409.json") as { headers: Record<string, string | null> };
    const written41 = fixture("4.1", "409.json") as { headers: Record<string, string> };
    assert.equal(
      dialectFor(recorded300.headers["x-transmission-rpc-version"] ?? undefined),
      "legacy",
    );
    assert.equal(dialectFor(written41.headers["x-transmission-rpc-version"]), "json-rpc");
    assert.equal(dialectFor("5.3.0"), "legacy", "4.0.x");
    assert.equal(dialectFor(["7.1.0"]), "json-rpc");
    assert.equal(dialectFor("garbage"), "legacy");
  });

  it("encodes the legacy request as 3.00 reads it", () => {
    const body = encodeRequest(
      "legacy",
      "torrent-get",
      { fields: ["id", "hashString"], ids: "recently-active", format: "table" },
      7,
    );
    assert.deepEqual(JSON.parse(body), {
      method: "torrent-get",
      arguments: { fields: ["id", "hashString"], ids: "recently-active", format: "table" },
      tag: 7,
    });
  });

  it("encodes JSON-RPC 2.0 requests with 4.1's snake_case names", () => {
    assert.deepEqual(
      JSON.parse(
        encodeRequest(
          "json-rpc",
          "torrent-get",
          {
            fields: ["id", "hashString", "peersGettingFromUs", "trackerStats"],
            ids: "recently-active",
            format: "table",
          },
          3,
        ),
      ),
      {
        jsonrpc: "2.0",
        method: "torrent_get",
        params: {
          fields: ["id", "hash_string", "peers_getting_from_us", "tracker_stats"],
          ids: "recently_active",
          format: "table",
        },
        id: 3,
      },
    );
    assert.deepEqual(
      JSON.parse(
        encodeRequest("json-rpc", "torrent-remove", { ids: ["ab"], "delete-local-data": true }, 4),
      ),
      {
        jsonrpc: "2.0",
        method: "torrent_remove",
        params: { ids: ["ab"], delete_local_data: true },
        id: 4,
      },
    );
    assert.deepEqual(
      JSON.parse(
        encodeRequest(
          "json-rpc",
          "session-get",
          { fields: ["version", "rpc-version", "download-dir"] },
          5,
        ),
      ).params,
      { fields: ["version", "rpc_version", "download_dir"] },
    );
  });

  it("decodes recorded 3.00 and written 4.1 answers to the same legacy names", () => {
    for (const method of ["session-get", "session-stats", "free-space"] as const) {
      const old = decodeAnswer("legacy", method, fixture("3.00", `${method}.json`));
      const modern = decodeAnswer("json-rpc", method, fixture("4.1", `${method}.json`));
      const oldKeys = Object.keys(old).sort();
      for (const key of oldKeys) assert.ok(key in modern, `${method}: 4.1 answer lacks ${key}`);
      if (method === "session-stats") {
        const stats = modern["cumulative-stats"] as Record<string, unknown>;
        assert.equal(stats.uploadedBytes, 52428800);
        assert.deepEqual(
          Object.keys(stats).sort(),
          Object.keys(old["cumulative-stats"] as object).sort(),
        );
        assert.equal(modern.uploadSpeed, 1024);
      }
    }
    assert.equal(
      decodeAnswer("json-rpc", "session-get", fixture("4.1", "session-get.json"))["download-dir"],
      "/srv/downloads",
    );
    assert.equal(
      decodeAnswer("json-rpc", "free-space", fixture("4.1", "free-space.json"))["size-bytes"],
      83660668928,
    );
  });

  it("names torrent fields in legacy form from either dialect", () => {
    const header41 = (
      fixture("4.1", "torrent-get-table.json") as { result: { torrents: string[][] } }
    ).result.torrents[0] as string[];
    const header300 = (
      fixture("3.00", "torrent-get-table.json") as { arguments: { torrents: string[][] } }
    ).arguments.torrents[0] as string[];
    assert.deepEqual(header41.map(torrentFieldName), header300);
    assert.equal(torrentFieldName("last_announce_succeeded"), "lastAnnounceSucceeded");
    assert.equal(torrentFieldName("download_dir"), "downloadDir");
    assert.equal(torrentFieldName("somethingNew"), "somethingNew");
    assert.equal(snakeCase("cumulative-stats"), "cumulative_stats");
    assert.deepEqual(torrentsPath("json-rpc"), ["result", "torrents"]);
    assert.deepEqual(torrentsPath("legacy"), ["arguments", "torrents"]);
  });

  it("turns RPC errors of both dialects into errors with Transmission's own message", () => {
    assert.throws(
      () => decodeAnswer("legacy", "session-get", fixture("3.00", "unknown-method.json")),
      (error: unknown) =>
        error instanceof TransmissionRpcError &&
        error.message === 'session-get: Transmission answered "method name not recognized"',
    );
    assert.throws(
      () => decodeAnswer("legacy", "free-space", fixture("3.00", "free-space-missing.json")),
      /free-space: Transmission answered "No such file or directory"/,
    );
    assert.throws(
      () => decodeAnswer("json-rpc", "free-space", fixture("4.1", "free-space-missing.json")),
      (error: unknown) =>
        error instanceof TransmissionRpcError &&
        /error 8 "system error: No such file or directory"/.test(error.message),
    );
    assert.throws(
      () => decodeAnswer("json-rpc", "session-get", fixture("4.1", "unknown-method.json")),
      /error -32601 "Method not found"/,
    );
  });

  it("rejects answers of the wrong shape as protocol errors, not RPC errors", () => {
    const wrong: Array<[Parameters<typeof decodeAnswer>[0], unknown]> = [
      ["legacy", [1, 2]],
      ["legacy", { arguments: {} }],
      ["legacy", { result: "success", arguments: [] }],
      ["json-rpc", { jsonrpc: "2.0", id: 1 }],
      ["json-rpc", { jsonrpc: "2.0", result: "success" }],
      ["json-rpc", null],
    ];
    for (const [dialect, answer] of wrong) {
      assert.throws(
        () => decodeAnswer(dialect, "session-stats", answer),
        (error: unknown) =>
          error instanceof SourceProtocolError && !(error instanceof TransmissionRpcError),
        JSON.stringify(answer),
      );
    }
  });
});

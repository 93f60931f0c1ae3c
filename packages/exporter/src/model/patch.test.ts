import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diffFields, sameList, sameValue, TORRENT_FIELD_KEYS } from "./patch.ts";
import { EMPTY_TORRENT, type TorrentFields } from "./torrent.ts";

const BEFORE: TorrentFields = {
  ...EMPTY_TORRENT,
  name: "a",
  uploaded: 10,
  tags: ["x", "y"],
  trackerHosts: ["t.example.org"],
};

describe("the patch helpers", () => {
  it("name every field of the record but the hash, in its order", () => {
    assert.deepEqual(TORRENT_FIELD_KEYS, Object.keys(EMPTY_TORRENT));
    assert.ok(!(TORRENT_FIELD_KEYS as readonly string[]).includes("hash"));
    assert.ok(Object.isFrozen(TORRENT_FIELD_KEYS));
  });

  it("compare lists item by item, and values by identity or as lists", () => {
    const list = ["a"];
    assert.equal(sameList(list, list), true);
    assert.equal(sameList(["a", "b"], ["a", "b"]), true);
    assert.equal(sameList(["a", "b"], ["b", "a"]), false);
    assert.equal(sameList(["a"], ["a", "a"]), false);
    assert.equal(sameList([], []), true);
    assert.equal(sameValue(1, 1), true);
    assert.equal(sameValue(1, 2), false);
    assert.equal(sameValue(["a"], ["a"]), true);
    assert.equal(sameValue(["a"], "a"), false);
    assert.equal(sameValue(Number.NaN, Number.NaN), false);
  });

  it("diff only the fields asked for, lists by their items, in the keys' order", () => {
    const after: TorrentFields = {
      ...BEFORE,
      uploaded: 20,
      name: "b",
      tags: ["x", "y"],
      trackerHosts: ["u.example.org"],
    };
    assert.deepEqual(diffFields("h", BEFORE, after, TORRENT_FIELD_KEYS), {
      hash: "h",
      name: "b",
      uploaded: 20,
      trackerHosts: ["u.example.org"],
    });
    assert.deepEqual(Object.keys(diffFields("h", BEFORE, after, ["uploaded", "name"]) ?? {}), [
      "hash",
      "uploaded",
      "name",
    ]);
    assert.equal(diffFields("h", BEFORE, after, ["tags", "ratio"]), undefined);
    assert.equal(
      diffFields("h", BEFORE, { ...BEFORE, tags: ["x", "y"] }, TORRENT_FIELD_KEYS),
      undefined,
    );
  });
});

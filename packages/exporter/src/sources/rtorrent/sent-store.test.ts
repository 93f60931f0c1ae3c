import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ListedNumbers } from "./list-query.ts";
import { emptySent, type Sent, SentStore } from "./sent-store.ts";

function sent(i: number): Sent {
  return {
    name: `torrent ${i}`,
    status: 3,
    size: 5 * 2 ** 40 + i,
    progress: 0.123456789,
    downloaded: 2 ** 53 - 1 - i,
    uploaded: 7 * 2 ** 32 + 0.5,
    downloadRate: 1024 * i,
    uploadRate: 17,
    ratio: -1,
    category: "movies",
    trackerHosts: ["a.example", "b.example"],
    trackerError: i % 2 === 0,
    message: i % 3 === 0 ? "Tracker: [Timeout]" : "",
    addedOn: 1_800_000_000,
    completedOn: 0,
    savePath: "/srv/data",
    seeds: 2,
    leechers: 9,
    started: true,
    left: 12345,
    files: 3,
    skipRate: 0,
    addedAt: 0,
    startedAt: 1_700_000_000,
    completedBytes: 5 * 2 ** 40,
    open: i % 5 !== 0,
    active: true,
    complete: false,
    hashChecking: i % 7 === 0,
    hashing: 2,
    seen: 41,
  };
}

/** The info-hash of torrent `i`: 40 hex digits. */
const h = (i: number): string => i.toString(16).padStart(40, "0");
const H = h(0x4242);
const NEW = "f".repeat(40);

function numbersOf(s: Sent): ListedNumbers {
  return {
    sizeBytes: s.size,
    completedBytes: s.completedBytes,
    uploadedBytes: s.uploaded,
    downloadedBytes: s.downloaded,
    uploadRate: s.uploadRate,
    downloadRate: s.downloadRate,
    ratio: s.ratio,
    started: s.started,
    open: s.open,
    active: s.active,
    complete: s.complete,
    hashChecking: s.hashChecking,
    hashing: s.hashing,
    startedAt: s.startedAt,
    finishedAt: s.completedOn,
    peersComplete: s.seeds,
    peersAccounted: s.leechers,
    leftBytes: s.left,
    sizeFiles: s.files,
    skipRate: s.skipRate,
    peersConnected: 0,
  };
}

/** A value of the same kind as `value` that differs from it (a list for a list). */
function otherThan<T>(value: T): T {
  if (typeof value === "number") return (value + 1) as T;
  if (typeof value === "boolean") return !value as T;
  if (typeof value === "string") return `${value}x` as T;
  return ["a.example"] as T;
}

describe("SentStore", () => {
  it("gives back every field as kept, past its first capacity, and reuses the slots of removed torrents", () => {
    const store = new SentStore();
    for (let i = 0; i < 3000; i++) store.put(h(i), sent(i));
    assert.equal(store.size, 3000);
    for (let i = 0; i < 3000; i += 7)
      assert.deepEqual(store.read(store.slot(h(i)), emptySent()), sent(i));
    const slot = store.slot(h(5));
    store.delete(h(5));
    assert.equal(store.slot(h(5)), -1);
    assert.equal(store.size, 2999);
    assert.equal(store.put(NEW, sent(9000)), slot);
    assert.deepEqual(store.read(slot, emptySent()), sent(9000));
    assert.deepEqual(
      [...store.entries()].filter(([hash]) => hash === h(5) || hash === NEW),
      [[NEW, slot]],
    );
  });

  it("knows a hash in either case, from a string or from bytes, and keeps one slot for it", () => {
    const store = new SentStore();
    const hash = "abcdef0123456789abcdef0123456789abcdef01";
    const slot = store.put(hash, sent(1));
    assert.equal(store.slot(hash.toUpperCase()), slot);
    assert.equal(store.slotAt(Buffer.from(`x${hash.toUpperCase()}`, "latin1"), 1), slot);
    assert.equal(store.put(hash.toUpperCase(), sent(2)), slot, "the same torrent");
    assert.equal(store.size, 1);
    assert.equal(store.hash(slot), hash, "the hash as first put");
    store.delete(hash.toUpperCase());
    assert.equal(store.slot(hash), -1);
    assert.equal(store.size, 0);
    assert.deepEqual([...store.entries()], []);
  });

  it("says a read is the same only when every field but the epoch is", () => {
    const store = new SentStore();
    const slot = store.put(H, sent(1));
    assert.ok(store.same(slot, { ...sent(1), seen: 99 }));
    assert.ok(store.same(slot, { ...sent(1), trackerHosts: ["a.example", "b.example"] }));
    for (const key of Object.keys(sent(1)) as (keyof Sent)[]) {
      if (key === "seen") continue;
      const value = sent(1)[key];
      const other = otherThan(value);
      assert.equal(store.same(slot, { ...sent(1), [key]: other }), false, key);
    }
  });

  it("diffs exactly the record fields that differ, not the inputs they come from", () => {
    const store = new SentStore();
    const slot = store.put(H, sent(1));
    const inputs = [
      "addedAt",
      "startedAt",
      "completedBytes",
      "active",
      "complete",
      "hashChecking",
      "hashing",
      "seen",
    ];
    for (const key of Object.keys(sent(1)) as (keyof Sent)[]) {
      const value = sent(1)[key];
      const other = otherThan(value);
      const expected = inputs.includes(key) ? undefined : { hash: H, [key]: other };
      assert.deepEqual(store.diff(slot, H, { ...sent(1), [key]: other }), expected, key);
    }
    assert.equal(
      store.diff(slot, H, { ...sent(1), trackerHosts: ["a.example", "b.example"] }),
      undefined,
    );
  });

  it("says integers are the same only when every one of them is", () => {
    const store = new SentStore();
    const slot = store.put(H, sent(1));
    const n = numbersOf(sent(1));
    assert.ok(store.sameNumbers(slot, n));
    assert.ok(store.sameNumbers(slot, { ...n, peersConnected: 5 }), "not kept, not compared");
    for (const key of Object.keys(n) as (keyof ListedNumbers)[]) {
      if (key === "peersConnected") continue;
      const value = n[key];
      const other = otherThan(value);
      assert.equal(store.sameNumbers(slot, { ...n, [key]: other }), false, key);
    }
  });

  it("keeps the epoch, the rates and the open flag of each slot apart", () => {
    const store = new SentStore();
    const a = store.put(h(0xa), sent(5));
    const b = store.put(h(0xb), sent(6));
    store.setSeen(a, 7);
    assert.equal(store.seen(a), 7);
    assert.equal(store.seen(b), 41);
    assert.equal(store.open(a), false);
    assert.equal(store.open(b), true);
    assert.equal(store.downloadRate(b), 6144);
    assert.equal(store.uploadRate(b), 17);
    assert.equal(store.message(b), "Tracker: [Timeout]");
    assert.equal(store.savePath(a), "/srv/data");
  });
});

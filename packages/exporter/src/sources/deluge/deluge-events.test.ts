import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DelugeEvents } from "./deluge-events.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);

describe("DelugeEvents", () => {
  it("collects the torrents to ask about and the removals of the connection listened to", () => {
    const events = new DelugeEvents(() => true);
    events.listen(2);
    events.onEvent("TorrentStateChangedEvent", [A, "Paused"], 2);
    events.onEvent("TorrentAddedEvent", [B, false], 2);
    events.onEvent("TorrentStateChangedEvent", [B, "Seeding"], 1);
    const batch = events.take();
    assert.deepEqual([...batch.changed], [A, B]);
    assert.deepEqual([...batch.removed], []);
    assert.deepEqual([...events.take().changed], [], "a take starts a new batch");
  });

  it("a removal drops the torrent from those to ask about; added again, it is in both", () => {
    const events = new DelugeEvents(() => true);
    events.listen(1);
    events.onEvent("TorrentFinishedEvent", [A], 1);
    events.onEvent("TorrentRemovedEvent", [A], 1);
    events.onEvent("TorrentRemovedEvent", [B], 1);
    events.onEvent("TorrentAddedEvent", [B, false], 1);
    const batch = events.take();
    assert.deepEqual([...batch.changed], [B]);
    assert.deepEqual([...batch.removed], [A, B]);
  });

  it("keeps a new connection's events that came before `listen` named it, drops older ones", () => {
    const events = new DelugeEvents(() => true);
    events.listen(1);
    events.onEvent("TorrentStateChangedEvent", [A, "Paused"], 1);
    events.onEvent("TorrentStateChangedEvent", [B, "Paused"], 2);
    events.listen(2);
    events.onEvent("TorrentStateChangedEvent", [A, "Error"], 1);
    assert.deepEqual([...events.take().changed], [B]);
    events.forget();
    assert.equal(events.session, undefined);
    assert.deepEqual([...events.take().changed], []);
  });

  it("asks about a tracker status change only when the sync says it can matter", () => {
    const seen: string[] = [];
    const events = new DelugeEvents((hash, status) => {
      seen.push(status);
      return status.startsWith("Error") && hash === A;
    });
    events.listen(1);
    events.onEvent("TorrentTrackerStatusEvent", [A, "Announce OK"], 1);
    events.onEvent("TorrentTrackerStatusEvent", [A, "Error: unregistered torrent"], 1);
    events.onEvent("TorrentTrackerStatusEvent", [B, "Error: unregistered torrent"], 1);
    events.onEvent("TorrentTrackerStatusEvent", [7], 1);
    assert.deepEqual([...events.take().changed], [A]);
    assert.deepEqual(seen, [
      "Announce OK",
      "Error: unregistered torrent",
      "Error: unregistered torrent",
    ]);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TorrentStatus as S, StateMapper } from "../../model/status.ts";
import {
  deriveRtorrentState,
  isTrackerMessage,
  RTORRENT_STATES,
  type RtorrentStateInputs,
  rtorrentStatus,
} from "./states.ts";

/** A seeding item as rTorrent 0.9.8 reports it after `load.raw_start` and its hash check. */
const SEEDING: RtorrentStateInputs = {
  started: true,
  open: true,
  active: true,
  complete: true,
  hashChecking: false,
  hashing: 0,
  message: "",
  uploadRate: 0,
  downloadRate: 0,
};

describe("rTorrent state derivation", () => {
  const cases: ReadonlyArray<readonly [string, Partial<RtorrentStateInputs>, string, number]> = [
    ["hash check running", { hashChecking: true, hashing: 1 }, "checking", S.Checking],
    ["forced re-check running", { hashChecking: true, hashing: 3 }, "checking", S.Checking],
    ["waiting for its check", { hashing: 2 }, "checkingQueued", S.Checking],
    [
      "checking beats a storage error",
      { hashChecking: true, message: "Storage error: [x]" },
      "checking",
      S.Checking,
    ],
    [
      "storage error",
      { message: "Storage error: [File chunk write error: Broken pipe]" },
      "error",
      S.Errored,
    ],
    ["low disk space", { message: "Low diskspace." }, "error", S.Errored],
    [
      "an error on a stopped item is still an error",
      { started: false, open: false, active: false, message: "Storage error: [x]" },
      "error",
      S.Errored,
    ],
    [
      "a tracker message is not an error",
      { message: "Tracker: [Couldn't connect to server]" },
      "stalledUP",
      S.Stalled,
    ],
    ["d.stop: state 0, open 1, active 0", { started: false, active: false }, "stopped", S.Paused],
    [
      "d.close / load.raw: 0/0/0",
      { started: false, open: false, active: false },
      "stopped",
      S.Paused,
    ],
    [
      "started but closed (its directory could not be opened)",
      { open: false, active: false },
      "stopped",
      S.Paused,
    ],
    ["d.pause: 1/1/0", { active: false }, "paused", S.Paused],
    ["complete and sending", { uploadRate: 1 }, "uploading", S.Uploading],
    ["complete, nothing moving", {}, "stalledUP", S.Stalled],
    ["complete, receiving only (a re-check repair)", { downloadRate: 5 }, "stalledUP", S.Stalled],
    [
      "incomplete and receiving",
      { complete: false, downloadRate: 100 },
      "downloading",
      S.Downloading,
    ],
    ["incomplete, sending only", { complete: false, uploadRate: 100 }, "stalledDL", S.Stalled],
    ["incomplete, nothing moving", { complete: false }, "stalledDL", S.Stalled],
  ];
  for (const [what, change, state, code] of cases) {
    it(`${what} -> ${state} (${code})`, () => {
      const inputs = { ...SEEDING, ...change };
      assert.equal(deriveRtorrentState(inputs), state);
      assert.equal(RTORRENT_STATES[state], code);
      const unknown: string[] = [];
      assert.equal(
        rtorrentStatus(inputs, new StateMapper(RTORRENT_STATES, (s) => unknown.push(s))),
        code,
      );
      assert.deepEqual(unknown, []);
    });
  }

  it("maps every derived state onto the table, never onto Undefined", () => {
    for (const [state, code] of Object.entries(RTORRENT_STATES)) {
      assert.ok(code >= S.Unknown && code < S.Undefined, state);
    }
    assert.deepEqual(
      new Set(Object.values(RTORRENT_STATES)),
      new Set([S.Checking, S.Errored, S.Paused, S.Uploading, S.Stalled, S.Downloading]),
    );
  });

  it("gives status 10 for a d.hashing value it does not know, and reports it once", () => {
    const unknown: string[] = [];
    const mapper = new StateMapper(RTORRENT_STATES, (s) => unknown.push(s));
    assert.equal(rtorrentStatus({ ...SEEDING, hashing: 7 }, mapper), S.Undefined);
    assert.equal(rtorrentStatus({ ...SEEDING, hashing: 7 }, mapper), S.Undefined);
    assert.equal(rtorrentStatus({ ...SEEDING, hashing: -1 }, mapper), S.Undefined);
    assert.deepEqual(unknown, ["d.hashing=7", "d.hashing=-1"]);
  });

  it("tells tracker messages from local errors", () => {
    assert.equal(isTrackerMessage("Tracker: [Tried all trackers.]"), true);
    assert.equal(isTrackerMessage('Tracker: [Failure reason "unregistered torrent"]'), true);
    assert.equal(isTrackerMessage("Storage error: [x]"), false);
    assert.equal(isTrackerMessage(""), false);
  });
});

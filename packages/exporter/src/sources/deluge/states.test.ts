import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TorrentStatus as S, StateMapper } from "../../model/status.ts";
import { DELUGE_STATES, delugeStatus } from "./states.ts";

describe("Deluge states", () => {
  const unknown: string[] = [];
  const states = new StateMapper(DELUGE_STATES, (s) => unknown.push(s));

  it("maps every state of deluge/common.py TORRENT_STATE, Stalled when nothing moves", () => {
    const cases: Array<[string, number, number, number]> = [
      ["Allocating", 0, 0, S.Allocating],
      ["Checking", 0, 0, S.Checking],
      ["Downloading", 1, 0, S.Downloading],
      ["Downloading", 0, 0, S.Stalled],
      ["Downloading", 0, 500, S.Stalled],
      ["Seeding", 0, 1, S.Uploading],
      ["Seeding", 0, 0, S.Stalled],
      ["Seeding", 900, 0, S.Stalled],
      ["Paused", 0, 0, S.Paused],
      ["Error", 0, 0, S.Errored],
      ["Queued", 0, 0, S.Queued],
      ["Moving", 0, 0, S.Moving],
    ];
    for (const [state, down, up, code] of cases) {
      assert.equal(delugeStatus(states, state, down, up), code, `${state} ${down}/${up}`);
    }
    assert.deepEqual(unknown, []);
  });

  it("maps an unknown state (a libtorrent name passed through) to Undefined, reported once", () => {
    assert.equal(delugeStatus(states, "checking_resume_data", 0, 0), S.Undefined);
    assert.equal(delugeStatus(states, "checking_resume_data", 5, 5), S.Undefined);
    assert.equal(delugeStatus(states, "seeding", 5, 5), S.Undefined, "case matters");
    assert.deepEqual(unknown, ["checking_resume_data", "seeding"]);
  });

  it("treats a NaN rate as no transfer", () => {
    assert.equal(delugeStatus(states, "Seeding", 0, Number.NaN), S.Stalled);
  });
});

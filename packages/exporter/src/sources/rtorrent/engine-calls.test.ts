import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createSessionCounters, SESSION_METRIC as M } from "@seedwatch/metrics";
import { type CallAnswer, ENGINE_CALLS, readEngine } from "./engine-calls.ts";

const fault = (method: string) => new Error(`XML-RPC fault -506: Method '${method}' not defined`);

/** The answers of rTorrent 0.9.8 (captured from the testbed's), by command. */
function answers(overrides: Partial<Record<(typeof ENGINE_CALLS)[number], CallAnswer>> = {}) {
  const captured: Record<(typeof ENGINE_CALLS)[number], CallAnswer> = {
    "network.open_sockets": 2,
    "network.open_files": fault("network.open_files"),
    "network.http.current_open": 0,
    "system.pid": 29938,
    "system.library_version": "0.13.8",
    "system.startup_time": fault("system.startup_time"),
    startup_time: fault("startup_time"),
    "throttle.unchoked_uploads": 1,
    "throttle.unchoked_downloads": 0,
    "pieces.sync.queue_size": 0,
  };
  return ENGINE_CALLS.map(
    (method) => (method in overrides ? overrides[method] : captured[method]) as CallAnswer,
  );
}

describe("readEngine", () => {
  it("reads rTorrent 0.9.8's answers, leaving out what it has no command for", () => {
    const session = createSessionCounters();
    assert.deepEqual(readEngine(answers(), session, 1_800_000_000), {
      openSockets: 2,
      openHttpRequests: 0,
      libraryVersion: "0.13.8",
      pid: 29938,
    });
    assert.equal(session.get(M.PEER_NUM_UNCHOKED), 1);
    assert.equal(session.get(M.PEER_NUM_DOWNLOADING), 0);
    assert.equal(session.isFilled(M.DISK_QUEUE_DEPTH), true);
    assert.equal(session.isFilled(M.SES_UPTIME_SECS), false, "no start time, no uptime");
  });

  it("takes a patched build's open files and pyrocore's start time, as 64-bit integers too", () => {
    const session = createSessionCounters();
    const engine = readEngine(
      answers({ "network.open_files": 17n, startup_time: 1_799_999_000 }),
      session,
      1_800_000_000.7,
    );
    assert.equal(engine.openFiles, 17);
    assert.equal(engine.startTimeSeconds, 1_799_999_000);
    assert.equal(session.get(M.SES_UPTIME_SECS), 1000);
  });

  it("prefers rTorrent-PS's system.startup_time, and ignores a 0 start or a negative count", () => {
    const session = createSessionCounters();
    const ps = readEngine(
      answers({ "system.startup_time": 1_700_000_000, startup_time: 1_600_000_000 }),
      session,
      1_700_000_100,
    );
    assert.equal(ps.startTimeSeconds, 1_700_000_000);
    const odd = readEngine(
      answers({ startup_time: 0, "network.open_sockets": -1, "system.pid": 0 }),
      createSessionCounters(),
      1_700_000_100,
    );
    assert.equal(odd.startTimeSeconds, undefined);
    assert.equal(odd.openSockets, undefined);
    assert.equal(odd.pid, undefined);
  });
});

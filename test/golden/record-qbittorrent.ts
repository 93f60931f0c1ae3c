// Records fixtures/qbittorrent/ (the golden test's replay) from Debian's real qbittorrent-nox, by hand.
//
// Run: node test/golden/record-qbittorrent.ts   (about six minutes)
// then: UPDATE_GOLDEN=1 node --test test/golden/golden.test.ts
//
// Starts two opentrackers and qbittorrent-nox on loopback with the scenario's torrents (seeding
// with a category and a tag, on two trackers, paused with a tag, refused by its tracker, data
// missing), waits until qBittorrent 4.5 would call the refused one a tracker error (it has no
// has_tracker_error: seedwatch infers one five minutes after the torrent was added), then
// records two polls of the golden target through a proxy: the version, the login, sync/maindata
// with rid 0 then incremental, and the logout. Passkeys, the password and the session cookie
// are replaced by placeholders of the same length.

import { randomBytes } from "node:crypto";
import { waitFor } from "@seedwatch/metrics/testing";
import { startQbittorrent } from "@seedwatch/testbed/qbittorrent";
import { recordPolls, startScenario } from "./recorder.ts";

/** seedwatch infers a tracker error this long after a torrent was added (qbittorrent-sync.ts). */
const GRACE_SECONDS = 300;

const scenario = await startScenario();
const password = randomBytes(12).toString("hex");
const qb = await startQbittorrent({ password });
try {
  scenario.scrubber.tempDir(qb.profileDir);
  const { torrents: t, payloadDir } = scenario;
  await qb.addTorrents([t.seeding], { savepath: payloadDir, category: "movies", tags: ["keep"] });
  await qb.addTorrents([t.twoTrackers], { savepath: payloadDir, category: "tv" });
  await qb.addTorrents([t.paused], { savepath: payloadDir, paused: true, tags: ["archive"] });
  await qb.addTorrents([t.refused], { savepath: payloadDir });
  await qb.addTorrents([t.missing]);
  const addedAt = Date.now();
  console.log(`qbittorrent: waiting ${GRACE_SECONDS + 20} s for the tracker error to count`);
  await waitFor(
    "the trackers to settle and the grace period to pass",
    async () => {
      if (Date.now() - addedAt < (GRACE_SECONDS + 20) * 1000) return undefined;
      const info = await qb.api<Array<{ hash: string; tracker: string }>>("torrents/info");
      const working = (hash: string) => info.find((x) => x.hash === hash)?.tracker !== "";
      return working(t.seeding.infoHash) && working(t.twoTrackers.infoHash) ? true : undefined;
    },
    { timeoutMs: (GRACE_SECONDS + 120) * 1000, intervalMs: 1000 },
  );
  await recordPolls({
    client: "qbittorrent",
    protocol: "http",
    upstream: qb.url,
    username: qb.username,
    password,
    about: `qbittorrent-nox ${await qb.api("app/version")} (Debian 12), recorded by record-qbittorrent.ts`,
    scrubber: scenario.scrubber,
  });
} finally {
  await qb.stop();
  await scenario.stop();
}

// Records fixtures/transmission/ (the golden test's replay) from Debian's real transmission-daemon, by hand.
//
// Run: node test/golden/record-transmission.ts   (under a minute)
// then: UPDATE_GOLDEN=1 node --test test/golden/golden.test.ts
//
// Starts two opentrackers and transmission-daemon on loopback with the scenario's torrents
// (seeding with two labels, on two trackers, paused with a label, refused by its tracker, data
// missing), waits until every running torrent has announced, then records two polls of the
// golden target through a proxy: the 409 that hands out the session id, session-stats,
// session-get, the full torrent-get, free-space, then session-stats, the recently-active
// torrent-get and free-space. Passkeys, the password and the session id are replaced by
// placeholders of the same length.

import { randomBytes } from "node:crypto";
import { waitFor } from "@seedwatch/metrics/testing";
import { startTransmission } from "@seedwatch/testbed/transmission";
import { recordPolls, startScenario } from "./recorder.ts";

const scenario = await startScenario();
const password = randomBytes(12).toString("hex");
const tr = await startTransmission({ password });
try {
  scenario.scrubber.tempDir(tr.configDir);
  const { torrents: t, payloadDir } = scenario;
  await tr.addTorrents([t.seeding], { downloadDir: payloadDir, labels: ["movies", "keep"] });
  await tr.addTorrents([t.twoTrackers], { downloadDir: payloadDir });
  await tr.addTorrents([t.paused], { downloadDir: payloadDir, paused: true, labels: ["archive"] });
  await tr.addTorrents([t.refused], { downloadDir: payloadDir });
  await tr.addTorrents([t.missing]);
  await waitFor(
    "every running torrent to have announced",
    async () => {
      const { torrents } = await tr.rpc<{
        torrents: Array<{ status: number; trackerStats: Array<{ hasAnnounced: boolean }> }>;
      }>("torrent-get", { fields: ["status", "trackerStats"] });
      const settled = torrents.every(
        (x) => x.status === 0 || x.trackerStats.some((s) => s.hasAnnounced),
      );
      return settled ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  const { version } = await tr.rpc<{ version: string }>("session-get", { fields: ["version"] });
  await recordPolls({
    client: "transmission",
    protocol: "http",
    upstream: tr.url,
    username: tr.username,
    password,
    about: `transmission-daemon ${version} (Debian 12), recorded by record-transmission.ts`,
    scrubber: scenario.scrubber,
  });
} finally {
  await tr.stop();
  await scenario.stop();
}

// Records fixtures/rtorrent/ (the golden test's replay) from Debian's real rtorrent, by hand.
//
// Run: node test/golden/record-rtorrent.ts   (under a minute)
// then: UPDATE_GOLDEN=1 node --test test/golden/golden.test.ts
//
// Starts two opentrackers and rTorrent (SCGI over TCP) on loopback with the scenario's
// torrents (seeding with a ruTorrent label, on two trackers with a label, paused, refused by
// its tracker, data missing), waits until every running torrent's tracker has answered, then
// records two polls of the golden target through an SCGI proxy: d.multicall2 over the main view
// and the system.multicall of global figures, each answer with rTorrent's CGI header lines.
// Passkeys are replaced by placeholders of the same length (SCGI has no credentials).

import { waitFor } from "@seedwatch/metrics/testing";
import { startRtorrent } from "@seedwatch/testbed/rtorrent";
import { recordPolls, startScenario } from "./recorder.ts";

const scenario = await startScenario();
const rt = await startRtorrent({ transport: "tcp" });
try {
  scenario.scrubber.tempDir(rt.sessionDir);
  const { torrents: t, payloadDir } = scenario;
  await rt.addTorrents([t.seeding], { start: true, directory: payloadDir, label: "movies" });
  await rt.addTorrents([t.twoTrackers], { start: true, directory: payloadDir, label: "tv" });
  await rt.addTorrents([t.paused, t.refused], { start: true, directory: payloadDir });
  await rt.addTorrents([t.missing], { start: true });
  await rt.call("d.pause", t.paused.infoHash.toUpperCase());
  const running = [t.seeding, t.twoTrackers, t.refused, t.missing].map((x) =>
    x.infoHash.toUpperCase(),
  );
  await waitFor(
    "every running torrent's tracker to answer",
    async () => {
      for (const hash of running) {
        // Successful and failed announces of each tracker of the torrent.
        const xml = await rt.call(
          "t.multicall",
          hash,
          "",
          "t.success_counter=",
          "t.failed_counter=",
        );
        const counts = [...xml.matchAll(/<i[48]>(\d+)<\/i[48]>/g)].map((m) => Number(m[1]));
        if (!counts.some((n) => n > 0)) return undefined;
      }
      return true;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  const version = /<string>([^<]*)<\/string>/.exec(await rt.call("system.client_version"))?.[1];
  await recordPolls({
    client: "rtorrent",
    protocol: "scgi",
    upstream: rt.url,
    username: "",
    password: "",
    about: `rtorrent ${version} (Debian 12), recorded by record-rtorrent.ts`,
    scrubber: scenario.scrubber,
  });
} finally {
  await rt.stop();
  await scenario.stop();
}

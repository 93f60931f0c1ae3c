// Records fixtures/deluge/ (the golden test's replay) from Debian's real deluged, by hand.
//
// Run: node test/golden/record-deluge.ts   (under a minute)
// then: UPDATE_GOLDEN=1 node --test test/golden/golden.test.ts
//
// Starts two opentrackers and deluged (Label plugin on) on loopback with the scenario's
// torrents (seeding with a label, on two trackers, paused, refused by its tracker, data
// missing), waits until every running torrent's tracker has answered, then records two polls
// of the golden target over the daemon RPC through a TLS proxy: the login, the event
// registration, the full list (core.get_session_state, then core.get_torrents_status by id), then the changed-only ones (a status refresh
// and the Active filter), the session status, the free space, the version and the announce lists. Each answer is kept as the rencode bytes deluged sent, after zlib (see
// deluge-exchanges.ts). Passkeys and the password are replaced by placeholders of the same
// length. deluge-web is not recorded: its JSON-RPC answers the same calls, never diffed.

import { randomBytes } from "node:crypto";
import { waitFor } from "@seedwatch/metrics/testing";
import { startDeluged } from "@seedwatch/testbed/deluge";
import { recordPolls, startScenario } from "./recorder.ts";

const scenario = await startScenario();
const password = randomBytes(12).toString("hex");
const de = await startDeluged({ password });
try {
  scenario.scrubber.tempDir(de.configDir);
  const { torrents: t, payloadDir } = scenario;
  await de.addTorrents([t.seeding], { downloadLocation: payloadDir, label: "movies" });
  await de.addTorrents([t.twoTrackers], { downloadLocation: payloadDir, label: "tv" });
  await de.addTorrents([t.paused], { downloadLocation: payloadDir, paused: true });
  await de.addTorrents([t.refused], { downloadLocation: payloadDir });
  await de.addTorrents([t.missing], { downloadLocation: de.downloadDir });
  const running = [t.seeding, t.twoTrackers, t.refused, t.missing].map((x) => x.infoHash);
  await waitFor(
    "every running torrent's tracker to answer",
    async () => {
      const [status] = (await de.rpc([
        { method: "core.get_torrents_status", args: [{ id: running }, ["tracker_status"]] },
      ])) as [Record<string, { tracker_status: string }>];
      const answered = running.every((id) =>
        /^(Announce OK|Error)/.test(status[id]?.tracker_status ?? ""),
      );
      return answered ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  const [version] = (await de.rpc([{ method: "daemon.info" }])) as [string];
  await recordPolls({
    client: "deluge",
    protocol: "deluge",
    upstream: de.daemonUrl,
    username: de.username,
    password,
    about: `deluged ${version} (Debian 12), recorded by record-deluge.ts`,
    scrubber: scenario.scrubber,
  });
} finally {
  await de.stop();
  await scenario.stop();
}

// Records the Transmission 3.00 answers the unit tests replay (fixtures/3.00), from Debian's real transmission-daemon.
// Run: node packages/exporter/src/sources/transmission/record-fixtures.ts

import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { startOpentracker } from "@seedwatch/testbed/opentracker";
import { makeTorrents } from "@seedwatch/testbed/torrents";
import { startTransmission } from "@seedwatch/testbed/transmission";
import { TORRENT_FIELD_NAMES } from "./dialect.ts";

const OUT = fileURLToPath(new URL("./fixtures/3.00/", import.meta.url));
const PASSKEY = "SECRETPASSKEY0123";

const dir = await tempDir("tr-fixtures");
const tracker = await startOpentracker();
const tr = await startTransmission({ password: "recorder" });
try {
  const announce = [tracker.announceUrl(PASSKEY)];
  const seeding = await makeTorrents({ dir: dir.path, count: 2, announce, prefix: "seeding" });
  const paused = await makeTorrents({ dir: dir.path, count: 1, announce, prefix: "paused" });
  const refused = await makeTorrents({ dir: dir.path, count: 1, announce, prefix: "unlisted" });
  const lost = await makeTorrents({ dir: dir.path, count: 1, announce, prefix: "lost" });
  await tracker.allow([...seeding, ...paused, ...lost].map((t) => t.infoHash));
  const payload = (seeding[0] as { payloadDir: string }).payloadDir;
  await tr.addTorrents(seeding, { downloadDir: payload, labels: ["movies", "keep"] });
  await tr.addTorrents(paused, { paused: true });
  await tr.addTorrents(refused, { downloadDir: payload });
  const [lostAdded] = await tr.addTorrents(lost, { downloadDir: payload });
  // A local error: the data goes missing, and a verify finds nothing.
  await rm(join(payload, (lost[0] as { name: string }).name));
  await tr.rpc("torrent-verify", { ids: [lostAdded?.id] });
  await waitFor(
    "announces and the local error to settle",
    async () => {
      const { torrents } = await tr.rpc<{ torrents: Array<Record<string, unknown>> }>(
        "torrent-get",
        {
          fields: ["id", "error", "status", "trackerStats"],
        },
      );
      const settled = torrents.filter(
        (t) =>
          t.status === 0 ||
          ((t.trackerStats as Array<{ hasAnnounced: boolean }>)[0]?.hasAnnounced === true &&
            (t.id !== lostAdded?.id || t.error === 3)),
      );
      return settled.length === torrents.length ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );

  const raw = async (body: unknown, sessionId = "", password = tr.password) => {
    const response = await fetch(tr.url, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${tr.username}:${password}`).toString("base64")}`,
        ...(sessionId === "" ? {} : { "x-transmission-session-id": sessionId }),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const conflict = await raw({ method: "session-stats" });
  const sessionId = conflict.headers.get("x-transmission-session-id") ?? "";
  const save = (name: string, value: unknown) =>
    writeFile(join(OUT, name), `${JSON.stringify(value, null, 1)}\n`);
  await save("409.json", {
    status: conflict.status,
    headers: {
      "x-transmission-session-id": sessionId,
      "x-transmission-rpc-version": conflict.headers.get("x-transmission-rpc-version"),
    },
    body: conflict.text,
  });
  const denied = await raw({ method: "session-stats" }, sessionId, "wrong");
  await save("401.json", { status: denied.status, body: denied.text });
  const answer = async (name: string, body: unknown) => {
    const response = await raw(body, sessionId);
    await save(name, JSON.parse(response.text));
  };
  const fields = [...TORRENT_FIELD_NAMES];
  await answer("session-get.json", {
    method: "session-get",
    arguments: { fields: ["version", "rpc-version", "download-dir"] },
    tag: 1,
  });
  await answer("session-stats.json", { method: "session-stats", tag: 2 });
  await answer("free-space.json", {
    method: "free-space",
    arguments: { path: tr.downloadDir },
    tag: 3,
  });
  await answer("free-space-missing.json", {
    method: "free-space",
    arguments: { path: "/nonexistent/dir" },
    tag: 4,
  });
  await answer("torrent-get-table.json", {
    method: "torrent-get",
    arguments: { fields, format: "table" },
    tag: 5,
  });
  await answer("torrent-get-objects.json", {
    method: "torrent-get",
    arguments: { fields, ids: [1] },
    tag: 6,
  });
  await tr.rpc("torrent-remove", { ids: [(lostAdded as { id: number }).id] });
  await answer("torrent-get-recent.json", {
    method: "torrent-get",
    arguments: { fields, format: "table", ids: "recently-active" },
    tag: 7,
  });
  await answer("unknown-method.json", { method: "torrent-frobnicate", tag: 8 });
  console.log(`recorded into ${OUT}`);
} finally {
  await tr.stop();
  await tracker.stop();
  await dir.remove();
}

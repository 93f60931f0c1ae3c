// Starts the right stand-in for a protocol: a recording proxy in front of a real client, or a replay of a recording.

import { readFile } from "node:fs/promises";
import { tempDir } from "@seedwatch/testbed";
import { makeCertificate } from "@seedwatch/testbed/certificates";
import { startDelugeRecorder, startDelugeReplay, type TlsIdentity } from "./deluge-exchanges.ts";
import { type StandIn, startHttpRecorder, startHttpReplay } from "./http-exchanges.ts";
import type { RecordedProtocol, RecordingWriter } from "./recording.ts";
import type { ReplayScript } from "./replay-script.ts";
import { startScgiRecorder, startScgiReplay } from "./scgi-exchanges.ts";
import type { Scrubber } from "./scrubber.ts";

/** Starts a proxy that records what passes between a source and the client at `upstream`. */
export async function startRecorder(
  protocol: RecordedProtocol,
  upstream: string,
  writer: RecordingWriter,
  scrubber: Scrubber,
): Promise<StandIn> {
  switch (protocol) {
    case "http":
      return startHttpRecorder(upstream, writer, scrubber);
    case "scgi":
      return startScgiRecorder(upstream, writer);
    case "deluge":
      return startDelugeRecorder(upstream, writer, await selfSignedIdentity());
  }
}

/** Starts a server that answers as `script`'s recording says. */
export async function startReplay(
  protocol: RecordedProtocol,
  script: ReplayScript,
): Promise<StandIn> {
  switch (protocol) {
    case "http":
      return startHttpReplay(script);
    case "scgi":
      return startScgiReplay(script);
    case "deluge":
      return startDelugeReplay(script, await selfSignedIdentity());
  }
}

/** A fresh self-signed certificate for a TLS stand-in (Deluge accepts any certificate by default). */
async function selfSignedIdentity(): Promise<TlsIdentity> {
  const dir = await tempDir("golden-tls");
  try {
    const files = await makeCertificate(dir.path, {
      name: "deluged",
      commonName: "Deluge Daemon",
      serial: "01",
    });
    return { key: await readFile(files.key), cert: await readFile(files.cert) };
  } finally {
    await dir.remove();
  }
}

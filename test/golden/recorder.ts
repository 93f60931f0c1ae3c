// What every golden recorder shares: the torrents and trackers of the scenario, and the recorded polls.

import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { mock } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { tempDir } from "@seedwatch/testbed";
import { type Opentracker, startOpentracker } from "@seedwatch/testbed/opentracker";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { type GoldenClient, goldenConfig, pollAndRender } from "./golden-target.ts";
import { type RecordedProtocol, RecordingWriter } from "./recording.ts";
import { FIXTURES, replayAndRender } from "./replay-recording.ts";
import { Scrubber } from "./scrubber.ts";
import { startRecorder } from "./stand-ins.ts";
import { unifiedDiff } from "./unified-diff.ts";

/** The torrents every client gets, each on its own to show one state. */
export interface ScenarioTorrents {
  /** Complete, seeding; with a category (or label) and a tag where the client has them. */
  readonly seeding: GeneratedTorrent;
  /** Complete, seeding, announcing to both trackers (two tiers). */
  readonly twoTrackers: GeneratedTorrent;
  /** Complete, paused (stopped). */
  readonly paused: GeneratedTorrent;
  /** Complete, running, but the tracker refuses it (not on its whitelist): a tracker error. */
  readonly refused: GeneratedTorrent;
  /** Its data is not there: running, nothing downloaded (no peer has it). */
  readonly missing: GeneratedTorrent;
}

/** Two real trackers and the scenario's torrents, with passkeys in every announce URL. */
export interface Scenario {
  readonly torrents: ScenarioTorrents;
  /** Where the complete torrents' payloads are (a client's save path to seed them). */
  readonly payloadDir: string;
  readonly trackers: readonly [Opentracker, Opentracker];
  readonly scrubber: Scrubber;
  stop(): Promise<void>;
}

/**
 * Starts opentracker on 127.0.0.1 and 127.0.0.3, makes the scenario's private torrents with a
 * fresh random passkey in their announce URLs (the scrubber replaces it), and whitelists all but
 * `refused` on both trackers.
 */
export async function startScenario(): Promise<Scenario> {
  const scrubber = new Scrubber();
  const dir = await tempDir("golden-torrents");
  scrubber.tempDir(dir.path);
  const trackers = [
    await startOpentracker({ host: "127.0.0.1" }),
    await startOpentracker({ host: "127.0.0.3" }),
  ] as const;
  const passkey = randomBytes(16).toString("hex");
  scrubber.secret(passkey, "passkey");
  const [a, b] = trackers.map((t) => t.announceUrl(passkey)) as [string, string];
  const make = async (prefix: string, announce: string[]) =>
    (
      await makeTorrents({ dir: dir.path, count: 1, announce, prefix, size: 96 * 1024 })
    )[0] as GeneratedTorrent;
  const torrents: ScenarioTorrents = {
    seeding: await make("seeding", [a]),
    twoTrackers: await make("two-trackers", [a, b]),
    paused: await make("paused", [a]),
    refused: await make("refused", [a]),
    missing: await make("missing", [b]),
  };
  const listed = [torrents.seeding, torrents.twoTrackers, torrents.paused, torrents.missing];
  for (const tracker of trackers) await tracker.allow(listed.map((t) => t.infoHash));
  return {
    torrents,
    payloadDir: torrents.seeding.payloadDir,
    trackers,
    scrubber,
    async stop() {
      await Promise.all(trackers.map((t) => t.stop()));
      await dir.remove();
    },
  };
}

/** What `recordPolls` records. */
export interface RecordOptions {
  readonly client: GoldenClient;
  readonly protocol: RecordedProtocol;
  /** The real client: its base URL, `deluge://…` or `scgi://…`. */
  readonly upstream: string;
  readonly username: string;
  readonly password: string;
  /** Which client and version, for exchanges.json. */
  readonly about: string;
  readonly scrubber: Scrubber;
  /** Polls to record (default 2: a first, full one, then an incremental one). */
  readonly polls?: number;
}

/**
 * Polls the golden target of `options.client` through a recording proxy in front of the real
 * client, saves the exchanges scrubbed into `fixtures/<client>/`, then replays them and checks
 * the replay renders what the live client rendered (printing a diff if not).
 */
export async function recordPolls(options: RecordOptions): Promise<void> {
  const { client, scrubber } = options;
  const polls = options.polls ?? 2;
  const password = options.password === "" ? "" : scrubber.secret(options.password, "password");
  const writer = new RecordingWriter();
  const proxy = await startRecorder(options.protocol, options.upstream, writer, scrubber);
  const times: number[] = [];
  let live: string;
  try {
    live = await pollAndRender({
      config: goldenConfig(client, options),
      standIn: proxy.url,
      polls,
      // The poll's start time, as a replay's clock will say.
      now: () => times.at(-1) ?? Date.now(),
      beforePoll: async (i) => {
        if (i > 0 && i < polls) await sleep(1000);
        writer.poll = i;
        if (i < polls) times.push(Date.now());
      },
    });
  } finally {
    await proxy.close();
  }
  const dir = join(FIXTURES, client);
  await writer.save(dir, scrubber, {
    about: options.about,
    protocol: options.protocol,
    username: options.username,
    password,
    polls: times,
  });
  console.log(`${client}: recorded ${writer.size} exchanges of ${polls} polls into ${dir}`);

  mock.timers.enable({ apis: ["Date"], now: times[0] });
  let replayed: string;
  try {
    replayed = await replayAndRender(client, { set: (ms) => mock.timers.setTime(ms) });
  } finally {
    mock.timers.reset();
  }
  // Deluge's answers travel compressed live, stored in a replay: only that count differs.
  const comparable = (text: string) =>
    options.protocol === "deluge"
      ? text.replace(/^(seedwatch_target_received_bytes_total\{[^}]*\}) \d+$/m, "$1 N")
      : text;
  const diff = unifiedDiff(scrubber.text(comparable(live)), comparable(replayed), {
    expected: "live",
    actual: "replayed",
  });
  if (diff !== "") {
    console.log(`${client}: the replay does not render what the live client did:\n${diff}`);
    process.exitCode = 1;
    return;
  }
  console.log(
    `${client}: the replay renders what the live client did; now run UPDATE_GOLDEN=1 node --test ${join("test/golden", "golden.test.ts")}`,
  );
}

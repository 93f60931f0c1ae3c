// TransmissionSource over recorded answers, replayed by a local server: 4.1's dialect (no 4.1 daemon
// exists here) and the cases a real 3.00 cannot be made to show on demand. The real daemon's
// behaviour is checked in transmission.contract.test.ts.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { createSessionCounters, SESSION_METRIC as M } from "@seedwatch/metrics";
import { TorrentStatus as S } from "../../model/status.ts";
import { SourceAuthError, SourceBannedError, SourceProtocolError } from "../../net/errors.ts";
import { Credentials } from "../credentials.ts";
import { rpcEndpoint } from "./api.ts";
import { TransmissionSource } from "./index.ts";

type Version = "3.00" | "4.1";

function fixture(version: Version, name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL(`./fixtures/${version}/${name}`, import.meta.url), "utf8"),
  );
}

/** What the replay server received. */
interface Received {
  readonly method: string;
  readonly body: Record<string, unknown>;
  readonly authorization: string | undefined;
}

/**
 * A SIMULATOR of Transmission's RPC endpoint that replays recorded answers: the 409 handshake
 * with the recorded headers, Basic auth, and an answer per method that a test can replace.
 */
class Replay {
  version: Version = "3.00";
  sessionId = "first-id";
  password = "pw";
  /** Hand out a new session id on every request (a broken proxy). */
  alwaysConflict = false;
  received: Received[] = [];
  /** Overrides: method -> raw answer (status and body). */
  answers = new Map<string, { status?: number; body: string }>();
  readonly server: Server;
  url = "";

  constructor() {
    this.server = createServer((req, res) => {
      let text = "";
      req.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      req.on("end", () => {
        const reply = this.#reply(req, text);
        res.writeHead(reply.status, reply.headers).end(reply.body);
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/transmission/rpc`;
  }

  stop(): void {
    this.server.closeAllConnections();
    this.server.close();
  }

  /** Sets the answer to a legacy-named method, as the current version's dialect spells it. */
  answer(method: string, args: unknown, status = 200): void {
    const body =
      this.version === "4.1"
        ? { jsonrpc: "2.0", result: args, id: 1 }
        : { arguments: args, result: "success", tag: 1 };
    this.answers.set(method, { status, body: JSON.stringify(body) });
  }

  #reply(req: IncomingMessage, text: string) {
    const expected = `Basic ${Buffer.from(`admin:${this.password}`).toString("base64")}`;
    if (req.headers.authorization !== expected) {
      const recorded = fixture("3.00", "401.json") as { body: string };
      return { status: 401, headers: {}, body: recorded.body };
    }
    if (this.alwaysConflict) this.sessionId = `id-${this.received.length}-${Math.random()}`;
    if (req.headers["x-transmission-session-id"] !== this.sessionId) {
      const recorded = fixture(this.version, "409.json") as {
        headers: Record<string, string | null>;
        body: string;
      };
      const headers: Record<string, string> = { "x-transmission-session-id": this.sessionId };
      const rpcVersion = recorded.headers["x-transmission-rpc-version"];
      if (rpcVersion) headers["x-transmission-rpc-version"] = rpcVersion;
      return { status: 409, headers, body: recorded.body };
    }
    const body = JSON.parse(text) as Record<string, unknown>;
    const wire = String(body.method);
    const method = wire.replace(/_/g, "-");
    this.received.push({ method, body, authorization: req.headers.authorization });
    const override = this.answers.get(method);
    if (override !== undefined) {
      return { status: override.status ?? 200, headers: {}, body: override.body };
    }
    const args = (body.arguments ?? body.params ?? {}) as Record<string, unknown>;
    const recent = args.ids === "recently-active" || args.ids === "recently_active";
    const file =
      method === "torrent-get"
        ? recent
          ? "torrent-get-recent.json"
          : "torrent-get-table.json"
        : `${method}.json`;
    if (method === "torrent-remove") {
      return { status: 200, headers: {}, body: '{"arguments":{},"result":"success","tag":1}' };
    }
    const answer = fixture(this.version, file);
    if (method === "torrent-get") select(answer, args);
    return { status: 200, headers: {}, body: JSON.stringify(answer) };
  }
}

/** Keeps the requested fields (columns) and ids (rows) of a recorded table, as Transmission does. */
function select(answer: Record<string, unknown>, args: Record<string, unknown>): void {
  const inner = (answer.arguments ?? answer.result) as { torrents: unknown[][] };
  const [header = [], ...rows] = inner.torrents;
  const wanted = new Set(args.fields as string[]);
  const keep = header.map((name, i) => (wanted.has(name as string) ? i : -1)).filter((i) => i >= 0);
  const idColumn = header.indexOf("id");
  const ids = Array.isArray(args.ids) ? new Set(args.ids) : undefined;
  inner.torrents = [
    keep.map((i) => header[i]),
    ...rows
      .filter((row) => ids === undefined || ids.has(row[idColumn]))
      .map((row) => keep.map((i) => row[i])),
  ];
}

describe("TransmissionSource over replayed answers", () => {
  const replay = new Replay();
  let clock = 1_800_000_000_000;
  const unknown: string[] = [];
  const make = (password = "pw", fullRefreshInterval?: number) => {
    const session = createSessionCounters();
    const source = new TransmissionSource(
      {
        url: replay.url,
        credentials: Credentials.login("admin", password),
        now: () => clock,
        ...(fullRefreshInterval === undefined ? {} : { fullRefreshInterval }),
      },
      { target: "t", session, onUnknownState: (s) => unknown.push(s) },
    );
    return { source, session };
  };
  const poll = (source: TransmissionSource) => source.poll(AbortSignal.timeout(5000));
  const torrentGets = () => replay.received.filter((r) => r.method === "torrent-get");

  before(() => replay.start());
  after(() => replay.stop());
  beforeEach(() => {
    replay.version = "3.00";
    replay.sessionId = "first-id";
    replay.password = "pw";
    replay.alwaysConflict = false;
    replay.received = [];
    replay.answers.clear();
    clock += 3_600_000;
  });

  it("switches to JSON-RPC 2.0 when a 4.1 409 says so, and maps 4.1's answers", async () => {
    replay.version = "4.1";
    const { source, session } = make();
    try {
      const first = await poll(source);
      assert.equal(first.reset, true);
      assert.equal(first.patches.length, 5);
      const seeding = first.patches.find((p) => p.name === "seeding-0");
      assert.equal(seeding?.status, S.Uploading);
      assert.deepEqual(seeding?.trackerHosts, ["tracker.example.org"]);
      assert.deepEqual(first.client, {
        version: "4.1.0 (0e3d7b5ed8)",
        downloadedTotal: 7340032,
        uploadedTotal: 52428800,
        downloadRate: 0,
        uploadRate: 1024,
        freeSpace: 83660668928,
        // The clock's now minus current-stats.secondsActive (3600).
        engine: { startTimeSeconds: 1_800_000_000 },
      });
      assert.equal(session.get(M.BW_TOTAL_UPLOADED), 2097152);
      assert.equal(session.get(M.BW_TOTAL_DOWNLOADED), 1048576);
      assert.equal(session.get(M.SES_UPTIME_SECS), 3600);
      assert.equal(session.get(M.BW_PAYLOAD_UPLOAD_RATE), 1024);
      assert.equal(session.isFilled(M.NET_BYTES_SENT), false, "Transmission has no such figure");
      assert.deepEqual(
        replay.received.map((r) => [r.body.jsonrpc, r.body.method]),
        [
          ["2.0", "session_stats"],
          ["2.0", "session_get"],
          ["2.0", "torrent_get"],
          ["2.0", "free_space"],
        ],
      );
      const fields =
        (torrentGets()[0]?.body.params as { fields: string[] } | undefined)?.fields ?? [];
      assert.ok(fields.includes("hash_string") && fields.includes("tracker_stats"));
      const second = await poll(source);
      assert.equal(source.lastPollWasFull, false);
      assert.equal(
        (torrentGets()[1]?.body.params as { ids: string } | undefined)?.ids,
        "recently_active",
      );
      assert.deepEqual(second.removed, ["a6e82d5228396cea53d0abea5ca8769a14ed8e1f"]);
      assert.equal(second.reset, false);
    } finally {
      await source.close();
    }
  });

  it("does the 409 handshake once per session id, and lists everything after a new one", async () => {
    const { source } = make();
    try {
      await poll(source);
      await poll(source);
      assert.equal(source.traffic.conflicts, 1);
      assert.equal(source.traffic.requests, 1 + 4 + 3, "one 409, a full poll, an incremental one");
      assert.ok(replay.received.every((r) => r.authorization?.startsWith("Basic ")));
      replay.sessionId = "rotated-id";
      const after = await poll(source);
      assert.equal(source.traffic.conflicts, 2);
      assert.equal(source.lastPollWasFull, true, "a new session id may mean a new daemon run");
      assert.equal(after.reset, false, "hashes are stable: only what changed is sent");
      assert.equal(replay.received.at(-3)?.method, "session-get", "the version is read again");
    } finally {
      await source.close();
    }
  });

  it("lists everything when uptime shows a restart, after a long gap, and periodically", async () => {
    const { source } = make("pw", 75_000);
    try {
      const stats = fixture("3.00", "session-stats.json").arguments as Record<string, unknown>;
      const withUptime = (seconds: number) => ({
        ...stats,
        "current-stats": { ...(stats["current-stats"] as object), secondsActive: seconds },
      });
      replay.answer("session-stats", withUptime(1000));
      await poll(source);
      clock += 10_000;
      replay.answer("session-stats", withUptime(1010));
      await poll(source);
      assert.equal(source.lastPollWasFull, false, "uptime moved with the clock");
      clock += 10_000;
      replay.answer("session-stats", withUptime(3));
      await poll(source);
      assert.equal(source.lastPollWasFull, true, "uptime went back: a restart");
      clock += 55_000;
      replay.answer("session-stats", withUptime(58));
      await poll(source);
      assert.equal(source.lastPollWasFull, true, "55 s since the last poll: removals may be lost");
      clock += 40_000;
      replay.answer("session-stats", withUptime(98));
      await poll(source);
      assert.equal(source.lastPollWasFull, false);
      clock += 40_000;
      replay.answer("session-stats", withUptime(138));
      await poll(source);
      assert.equal(source.lastPollWasFull, true, "the periodic full list (75 s here)");
      assert.deepEqual(unknown, []);
    } finally {
      await source.close();
    }
  });

  it("holds all-time totals when Transmission's fall back after a crash", async () => {
    const { source } = make();
    try {
      const stats = fixture("3.00", "session-stats.json").arguments as Record<string, unknown>;
      const totals = (up: number, down: number) => ({
        ...stats,
        "cumulative-stats": {
          ...(stats["cumulative-stats"] as object),
          uploadedBytes: up,
          downloadedBytes: down,
        },
      });
      replay.answer("session-stats", totals(5000, 900));
      assert.equal((await poll(source)).client.uploadedTotal, 5000);
      replay.answer("session-stats", totals(4000, 800));
      const held = await poll(source);
      assert.equal(held.client.uploadedTotal, 5000);
      assert.equal(held.client.downloadedTotal, 900);
      replay.answer("session-stats", totals(6000, 850));
      const passed = await poll(source);
      assert.equal(passed.client.uploadedTotal, 6000);
      assert.equal(passed.client.downloadedTotal, 900);
    } finally {
      await source.close();
    }
  });

  it("starts over from a full list when recently-active ids contradict the table", async () => {
    const { source } = make();
    try {
      await poll(source);
      const recent = fixture("3.00", "torrent-get-recent.json").arguments as {
        torrents: unknown[][];
      };
      const swapped = structuredClone(recent.torrents);
      (swapped[1] as unknown[])[0] = 2;
      (swapped[2] as unknown[])[0] = 1;
      replay.answers.set("torrent-get", {
        body: JSON.stringify({ arguments: { torrents: swapped, removed: [] }, result: "success" }),
      });
      const result = await poll(source);
      assert.equal(result.reset, true, "the second list of the poll resets the table");
      assert.equal(source.lastPollWasFull, true);
      assert.deepEqual(
        torrentGets()
          .slice(1)
          .map((r) => (r.body.arguments as { ids?: string }).ids),
        ["recently-active", undefined],
      );
    } finally {
      await source.close();
    }
  });

  it("asks only for new torrents' tracker stats after a recently-active answer", async () => {
    const { source } = make();
    try {
      const table = fixture("3.00", "torrent-get-table.json").arguments as {
        torrents: unknown[][];
      };
      const [header, ...rows] = table.torrents;
      replay.answers.set("torrent-get", {
        body: JSON.stringify({
          arguments: { torrents: [header, ...rows.slice(0, 3)] },
          result: "success",
        }),
      });
      await poll(source);
      replay.answers.clear();
      const second = await poll(source);
      const gets = torrentGets().map(
        (r) => r.body.arguments as { ids?: unknown; fields: string[] },
      );
      assert.equal(gets.length, 3);
      assert.equal(gets[1]?.ids, "recently-active");
      assert.equal(
        gets[1]?.fields.includes("trackerStats"),
        false,
        "recent polls skip tracker stats",
      );
      assert.deepEqual(gets[2], {
        ids: [4],
        fields: ["id", "hashString", "trackerStats"],
        format: "table",
      });
      const unlisted = second.patches.find((p) => p.name === "unlisted-0");
      assert.deepEqual(unlisted?.trackerHosts, ["127.0.0.1"]);
      assert.equal(unlisted?.trackerError, true);
      assert.deepEqual(second.removed, [], "id 5 was never listed");
      await poll(source);
      assert.equal(torrentGets().length, 4, "nothing new: no follow-up");
    } finally {
      await source.close();
    }
  });

  it("lists everything from then on when recently-active comes without a removed list", async () => {
    const { source } = make();
    try {
      await poll(source);
      const table = fixture("3.00", "torrent-get-table.json").arguments as { torrents: unknown };
      replay.answers.set("torrent-get", {
        body: JSON.stringify({ arguments: { torrents: table.torrents }, result: "success" }),
      });
      await poll(source);
      assert.equal(source.lastPollWasFull, false);
      await poll(source);
      await poll(source);
      assert.equal(source.lastPollWasFull, true);
      assert.deepEqual(
        torrentGets().map((r) => (r.body.arguments as { ids?: string }).ids),
        [undefined, "recently-active", undefined, undefined],
      );
    } finally {
      await source.close();
    }
  });

  it("fails with an auth error on a 401 and never retries it", async () => {
    const { source } = make("wrong-password");
    try {
      await assert.rejects(poll(source), (error: unknown) => {
        assert.ok(error instanceof SourceAuthError);
        assert.match(
          error.message,
          /rejected the username or password \(HTTP 401; Transmission 3\.00 locks/,
        );
        assert.doesNotMatch(error.message, /wrong-password/);
        return true;
      });
      assert.equal(source.traffic.requests, 1);
    } finally {
      await source.close();
    }
  });

  it("reports the brute-force lock-out as a ban", async () => {
    const { source } = make();
    try {
      replay.answers.set("session-stats", {
        status: 403,
        body: "<h1>403: Forbidden</h1><p>Too many unsuccessful login attempts. Please restart transmission-daemon.</p>",
      });
      await assert.rejects(poll(source), SourceBannedError);
    } finally {
      await source.close();
    }
  });

  it("rejects garbage and truncated answers, then resyncs fully", async () => {
    const { source } = make();
    try {
      await poll(source);
      replay.answers.set("torrent-get", {
        body: '{"arguments":{"torrents":[["id","hashString"],[1,"ab',
      });
      await assert.rejects(poll(source), (error: unknown) => {
        assert.ok(error instanceof SourceProtocolError);
        assert.match(
          error.message,
          /^POST http:\/\/127\.0\.0\.1:\d+\/transmission\/rpc torrent-get: JSON: the answer ended/,
        );
        return true;
      });
      replay.answers.set("session-stats", { body: "<html>proxy error</html>" });
      await assert.rejects(poll(source), /session-stats: the answer is not valid JSON/);
      replay.answers.set("session-stats", {
        body: '{"result":"success","arguments":{"torrentCount":1}}',
      });
      await assert.rejects(poll(source), /session-stats: expected numbers downloadSpeed/);
      replay.answers.clear();
      const back = await poll(source);
      assert.equal(back.reset, true, "after a failed list the table is rebuilt");
      assert.equal(back.patches.length, 5);
    } finally {
      await source.close();
    }
  });

  it("leaves free space unknown when Transmission cannot tell, and fails on a second 409", async () => {
    const { source } = make();
    try {
      replay.answers.set("free-space", {
        body: JSON.stringify(fixture("3.00", "free-space-missing.json")),
      });
      const result = await poll(source);
      assert.equal(result.client.freeSpace, undefined);
      assert.equal(result.client.version, "3.00 (bb6b5a062e)");
      // A "success" that carries the -1 of a failed statvfs is just as unknown.
      replay.answers.set("free-space", {
        body: JSON.stringify({
          arguments: { path: "/downloads", "size-bytes": -1 },
          result: "success",
          tag: 4,
        }),
      });
      assert.equal((await poll(source)).client.freeSpace, undefined);
    } finally {
      await source.close();
    }
    const fickle = make().source;
    try {
      replay.alwaysConflict = true;
      await assert.rejects(poll(fickle), /refused the session id it had just handed out/);
      assert.equal(fickle.traffic.requests, 2, "one retry, no loop");
    } finally {
      await fickle.close();
    }
  });

  it("accepts the URL with or without the /transmission/rpc path", () => {
    assert.equal(rpcEndpoint("http://h:9091").href, "http://h:9091/transmission/rpc");
    assert.equal(rpcEndpoint("http://h:9091/transmission/").href, "http://h:9091/transmission/rpc");
    assert.equal(rpcEndpoint("https://h/tr/rpc").href, "https://h/tr/rpc");
  });

  it("removes torrents by hash, with or without data", async () => {
    const { source } = make();
    try {
      await source.remove(["ab".repeat(20)], true, AbortSignal.timeout(5000));
      await source.remove([], false, AbortSignal.timeout(5000));
      const removes = replay.received.filter((r) => r.method === "torrent-remove");
      assert.deepEqual(
        removes.map((r) => r.body.arguments),
        [{ ids: ["ab".repeat(20)], "delete-local-data": true }],
      );
    } finally {
      await source.close();
    }
  });
});

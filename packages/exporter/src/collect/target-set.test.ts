import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../config/load.ts";
import { createLogger } from "../log.ts";
import {
  SourceAuthError,
  SourceBannedError,
  type SourceError,
  SourceHttpError,
} from "../net/errors.ts";
import type { PollResult, TorrentSource } from "../sources/source.ts";
import { buildTarget } from "../target-kinds.ts";
import { TargetSet } from "./target-set.ts";
import type { TorrentTarget } from "./torrent-target.ts";

const YAML = `
targets:
  - { name: box, type: qbittorrent, url: 'http://127.0.0.1:1', username: u, password: p }
`;

const RESULT: PollResult = {
  reset: true,
  removed: [],
  patches: [],
  client: {
    version: "v1",
    downloadedTotal: 1,
    uploadedTotal: 2,
    downloadRate: 0,
    uploadRate: 0,
    freeSpace: 3,
  },
};

/** A source that fails with `error` until told otherwise, and says when it is polled. */
function scriptedSource() {
  let error: SourceError | undefined;
  let polled: (() => void) | undefined;
  const source: TorrentSource = {
    bytesReceived: 0,
    poll: async () => {
      polled?.();
      if (error !== undefined) throw error;
      return RESULT;
    },
    remove: async () => {},
    close: async () => {},
  };
  return {
    source,
    failWith(next: SourceError | undefined) {
      error = next;
    },
    /** Resolves at the next poll; rejects after `ms` without one. */
    nextPoll(ms: number) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no poll within ${ms} ms`)), ms);
        polled = () => {
          clearTimeout(timer);
          polled = undefined;
          resolve();
        };
      });
    },
  };
}

describe("TargetSet.apply", () => {
  for (const error of [
    new SourceBannedError("banned"),
    new SourceAuthError("refused"),
    new SourceHttpError(403, "HTTP 403"),
  ]) {
    it(`makes a kept target that is backing off (${error.reason}) poll again at once`, async () => {
      const scripted = scriptedSource();
      scripted.failWith(error);
      const set = new TargetSet((config) =>
        buildTarget(config, {
          log: createLogger({ level: "error", format: "logfmt", write: () => {} }),
          counters: undefined,
          createSource: () => scripted.source,
        }),
      );
      const config = parseConfig(YAML, "t.yml", {});
      try {
        const first = scripted.nextPoll(10_000);
        await set.apply(config);
        await first;
        const target = set.get("box");
        assert.ok(target);
        await waitUntil(() => target.errors.get(error.reason) === 1);
        assert.equal(target.health.up, false);
        assert.ok(
          target.health.notBefore - Date.now() >= 9_000,
          "backing off for longer than the test waits",
        );
        // The cause is fixed outside seedwatch; the operator reloads an unchanged file.
        scripted.failWith(undefined);
        const retried = scripted.nextPoll(5_000);
        const changes = await set.apply(parseConfig(YAML, "t.yml", {}));
        assert.deepEqual(changes, { started: [], kept: ["box"], stopped: [] });
        await retried;
        await waitUntil(() => target.health.up);
        assert.equal(set.get("box"), target, "the same target, kept");
      } finally {
        await set.stop();
      }
    });
  }
});

describe("TargetSet.apply with retryKept: false", () => {
  it("leaves a kept target's backoff alone (discovery's rounds do not hurry a refusing client)", async () => {
    const scripted = scriptedSource();
    scripted.failWith(new SourceAuthError("refused"));
    const set = new TargetSet((config) =>
      buildTarget(config, {
        log: createLogger({ level: "error", format: "logfmt", write: () => {} }),
        counters: undefined,
        createSource: () => scripted.source,
      }),
    );
    try {
      const first = scripted.nextPoll(10_000);
      await set.apply(parseConfig(YAML, "t.yml", {}));
      await first;
      const target = set.get("box");
      assert.ok(target);
      await waitUntil(() => target.errors.get("auth") === 1);
      const notBefore = target.health.notBefore;
      assert.ok(notBefore > Date.now(), "backing off");
      const changes = await set.apply(parseConfig(YAML, "t.yml", {}), { retryKept: false });
      assert.deepEqual(changes, { started: [], kept: ["box"], stopped: [] });
      assert.equal(target.health.notBefore, notBefore, "still backing off until the same time");
      await set.apply(parseConfig(YAML, "t.yml", {}));
      assert.equal(target.health.notBefore, 0, "an operator's reload retries at once");
    } finally {
      await set.stop();
    }
  });
});

describe("TargetSet.apply during a poll", () => {
  it("tries again at once when the poll that was in flight at the reload fails", async () => {
    let release: (() => void) | undefined;
    let polls = 0;
    const source: TorrentSource = {
      bytesReceived: 0,
      poll: async () => {
        polls++;
        if (polls > 1) return RESULT;
        // The first poll hangs until the reload has happened, then fails.
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        throw new SourceBannedError("banned");
      },
      remove: async () => {},
      close: async () => {},
    };
    const set = new TargetSet((config) =>
      buildTarget(config, {
        log: createLogger({ level: "error", format: "logfmt", write: () => {} }),
        counters: undefined,
        createSource: () => source,
      }),
    );
    try {
      await set.apply(parseConfig(YAML, "t.yml", {}));
      await waitUntil(() => release !== undefined);
      await set.apply(parseConfig(YAML, "t.yml", {}));
      release?.();
      const target = set.get("box");
      assert.ok(target);
      await waitUntil(() => target.health.up);
      assert.equal(target.errors.get("banned"), 1);
      assert.equal(polls, 2);
    } finally {
      await set.stop();
    }
  });
});

describe("TargetSet.apply: what a reload keeps", () => {
  /** Five qBittorrent targets; `changes` edits the line of a target. */
  const yaml = (lines: Record<string, string | undefined>) =>
    `targets:\n${Object.entries(lines)
      .filter(([, line]) => line !== undefined)
      .map(([name, line]) => `  - { name: ${name}, type: qbittorrent, ${line} }\n`)
      .join("")}`;
  const BEFORE = {
    kept: "url: 'http://127.0.0.1:1', username: u, password: p",
    password: "url: 'http://127.0.0.1:2', username: u, password: p",
    url: "url: 'http://127.0.0.1:3', username: u, password: p",
    interval: "url: 'http://127.0.0.1:4', username: u, password: p",
    removed: "url: 'http://127.0.0.1:5', username: u, password: p",
  };
  const AFTER = {
    ...BEFORE,
    password: "url: 'http://127.0.0.1:2', username: u, password: changed",
    url: "url: 'http://127.0.0.1:30', username: u, password: p",
    interval: "url: 'http://127.0.0.1:4', username: u, password: p, poll_interval: 20s",
    removed: undefined,
    added: "url: 'http://127.0.0.1:6', username: u, password: p",
  };
  const HASH = "a".repeat(40);

  it("keeps an unchanged target with its session and counters, replaces a changed one (secret, URL, any setting), stops a removed one", async () => {
    let uploaded = 100;
    const made: Array<{ name: string; url: string; password: string; closed: boolean }> = [];
    const set = new TargetSet((config) =>
      buildTarget(config, {
        log: createLogger({ level: "error", format: "logfmt", write: () => {} }),
        counters: undefined,
        createSource: (config) => {
          const record = {
            name: config.name,
            url: config.url,
            password: config.password?.reveal() ?? "",
            closed: false,
          };
          made.push(record);
          return {
            bytesReceived: 0,
            poll: async () => ({
              ...RESULT,
              patches: [{ hash: HASH, name: "t", uploaded, trackerHosts: ["a.example"] }],
            }),
            remove: async () => {},
            close: async () => {
              record.closed = true;
            },
          };
        },
      }),
    );
    const sourcesOf = (name: string) => made.filter((m) => m.name === name);
    try {
      assert.deepEqual(await set.apply(parseConfig(yaml(BEFORE), "t.yml", {})), {
        started: ["kept", "password", "url", "interval", "removed"],
        kept: [],
        stopped: [],
      });
      const before = new Map(set.targets.map((t) => [t.config.name, t as TorrentTarget]));
      for (const target of before.values()) await waitUntil(() => target.health.up);
      const kept = before.get("kept") as TorrentTarget;
      const session = kept.session;

      assert.deepEqual(await set.apply(parseConfig(yaml(AFTER), "t.yml", {})), {
        started: ["password", "url", "interval", "added"],
        kept: ["kept"],
        stopped: ["password", "url", "interval", "removed"],
      });
      assert.equal(set.get("kept"), kept, "the same target");
      assert.equal(kept.session, session, "with the same session counters");
      assert.equal(sourcesOf("kept").length, 1, "and the same client session");
      assert.equal(sourcesOf("kept")[0]?.closed, false);
      assert.equal(kept.table.get(HASH)?.uploaded, 100, "its table carries on");
      uploaded = 150;
      await kept.refreshIfOlderThan(0, Date.now() + 5000);
      assert.equal(
        kept.table.trackers.get("a.example")?.uploaded,
        150,
        "its tracker counter goes on from where it was, not from zero",
      );

      for (const name of ["password", "url", "interval"]) {
        assert.notEqual(set.get(name), before.get(name), `${name}: a new target`);
        assert.deepEqual(
          sourcesOf(name).map((m) => m.closed),
          [true, false],
          `${name}: the old session is closed, a new one made`,
        );
      }
      assert.equal(sourcesOf("password")[1]?.password, "changed");
      assert.equal(sourcesOf("url")[1]?.url, "http://127.0.0.1:30");
      assert.equal(set.get("interval")?.config.pollInterval, 20_000);
      assert.equal(set.get("removed"), undefined);
      assert.equal(sourcesOf("removed")[0]?.closed, true, "a removed target is stopped");
      assert.deepEqual(
        set.targets.map((t) => t.config.name),
        ["kept", "password", "url", "interval", "added"],
      );
    } finally {
      await set.stop();
    }
  });

  it("keeps a target whose settings are equal after parsing, however they are written", async () => {
    const set = new TargetSet((config) =>
      buildTarget(config, {
        log: createLogger({ level: "error", format: "logfmt", write: () => {} }),
        counters: undefined,
        createSource: () => ({
          bytesReceived: 0,
          poll: async () => RESULT,
          remove: async () => {},
          close: async () => {},
        }),
      }),
    );
    try {
      await set.apply(
        parseConfig(
          yaml({ box: "url: 'http://127.0.0.1:1', username: u, password: p" }),
          "t.yml",
          {},
        ),
      );
      const target = set.get("box");
      const respelled = `targets:
  - name: box
    type: qbittorrent
    url: http://127.0.0.1:1
    username: u
    password: \${BOX_PASSWORD}
    poll_interval: 10s
`;
      assert.deepEqual(await set.apply(parseConfig(respelled, "t.yml", { BOX_PASSWORD: "p" })), {
        started: [],
        kept: ["box"],
        stopped: [],
      });
      assert.equal(set.get("box"), target);
    } finally {
      await set.stop();
    }
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), "condition not met within 5 s");
}

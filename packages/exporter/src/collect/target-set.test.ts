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

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), "condition not met within 5 s");
}

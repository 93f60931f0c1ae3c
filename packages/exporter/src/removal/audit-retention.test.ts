import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, parseConfig } from "../config/load.ts";
import { AUDIT_RETENTION_DEFAULTS } from "./audit-retention.ts";

const TARGET = "targets: [{ name: box, type: transmission, url: http://127.0.0.1:9091 }]\n";
const DAY = 86_400_000;

describe("the audit: section", () => {
  it("keeps every kind for a while and up to a count by default", () => {
    const { audit } = parseConfig(TARGET, "/etc/seedwatch.yml");
    assert.deepEqual(audit, AUDIT_RETENTION_DEFAULTS);
    assert.deepEqual(audit.kinds["dry-run"], { maxAge: 30 * DAY, maxEntries: 10_000 });
  });

  it("reads each kind's age and count, and the torrent limit of removals", () => {
    const { audit } = parseConfig(
      `${TARGET}audit:\n  removals: { max_age: 3650d, max_entries: 5000, max_torrents: 100000 }\n  nothing_removed: { max_entries: 100 }\n  dry_runs: { max_age: 2h }\n`,
      "/etc/seedwatch.yml",
    );
    assert.deepEqual(audit, {
      kinds: {
        removal: { maxAge: 3650 * DAY, maxEntries: 5000 },
        "nothing-removed": { maxAge: 90 * DAY, maxEntries: 100 },
        "dry-run": { maxAge: 7_200_000, maxEntries: 10_000 },
      },
      maxRemovedTorrents: 100_000,
    });
  });

  it("names what is wrong", () => {
    const problems = (yaml: string) => {
      try {
        parseConfig(`${TARGET}${yaml}`, "/etc/seedwatch.yml");
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.problems;
      }
      assert.fail("no error");
    };
    assert.deepEqual(problems("audit: { dry_runs: { max_age: 10s } }\n"), [
      "/etc/seedwatch.yml:2:31: audit.dry_runs.max_age: expected at least 1m",
    ]);
    assert.deepEqual(problems("audit: { dry_runs: { max_entries: 0 } }\n"), [
      "/etc/seedwatch.yml:2:35: audit.dry_runs.max_entries: expected at least 1",
    ]);
    assert.deepEqual(problems("audit: { dry_runs: { max_torrents: 5 } }\n"), [
      "/etc/seedwatch.yml:2:22: audit.dry_runs.max_torrents: unknown key",
    ]);
    assert.deepEqual(problems("audit: { refusals: {} }\n"), [
      "/etc/seedwatch.yml:2:10: audit.refusals: unknown key",
    ]);
  });
});

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { tempDir, waitFor } from "@seedwatch/testbed";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { startTransmission, type Transmission } from "@seedwatch/testbed/transmission";
import { httpCall, json } from "../support/http-call.ts";

interface AuditEntry {
  id: number;
  kind: string;
  result: string;
  torrentCount: number;
  torrents: Array<{ hash: string }>;
  missingCount: number;
  missing: string[];
  truncated: boolean;
}

interface AuditPage {
  entries: AuditEntry[];
  next: number | null;
  more: boolean;
}

/** Hostile requests of each kind, and how many of each kind the config keeps. */
const HOSTILE = 40;
const KEPT = 15;

describe("the removal audit log stays bounded under hostile requests to a real seedwatch", {
  timeout: 300_000,
}, () => {
  let tr: Transmission;
  let seedwatch: Seedwatch;
  let torrents: GeneratedTorrent[];
  let dir: { path: string; remove(): Promise<void> };
  /** 10,000 hashes no client has: what one request may carry at most. */
  const unknown = Array.from({ length: 10_000 }, () => randomBytes(20).toString("hex"));
  const post = (path: string, body: unknown) =>
    httpCall(`${seedwatch.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const databaseBytes = async () => {
    let total = 0;
    for (const file of ["seedwatch.db", "seedwatch.db-wal"])
      total += await stat(join(seedwatch.dir, file)).then(
        (s) => s.size,
        () => 0,
      );
    return total;
  };

  before(async () => {
    dir = await tempDir("audit-bounds");
    torrents = await makeTorrents({
      dir: dir.path,
      count: 2,
      size: 64 * 1024,
      announce: ["http://127.0.0.1:9/announce"],
    });
    tr = await startTransmission();
    await tr.addTorrents(torrents, { downloadDir: torrents[0]?.payloadDir as string });
    const target = `type: transmission, url: "${tr.url}", username: "${tr.username}", password: "${tr.password}"`;
    seedwatch = await startSeedwatch(
      "global: { poll_interval: 1s, timeout: 5s, min_refresh_interval: 0s }\n" +
        `audit: { nothing_removed: { max_entries: ${KEPT} }, dry_runs: { max_entries: ${KEPT} } }\n` +
        `targets:\n  - { name: box, ${target}, removal: { enabled: true } }\n  - { name: locked, ${target} }\n`,
    );
    await waitFor(
      "seedwatch to list the torrents",
      async () => {
        const targets = json<Array<{ up: boolean; torrents: number }>>(
          await httpCall(`${seedwatch.url}/api/v1/targets`),
        );
        return targets.every((t) => t.up && t.torrents === 2) ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
  });
  after(async () => {
    await seedwatch?.remove();
    await tr?.stop();
    await dir?.remove();
  });

  it("refuses more hashes than one request may carry, plainly", async () => {
    const answer = await post("/api/v1/targets/box/remove", {
      hashes: [...unknown, randomBytes(20).toString("hex")],
    });
    assert.equal(answer.status, 400);
    assert.match(json<{ error: string }>(answer).error, /^hashes: at most 10000 in one request/);
  });

  it("keeps each hostile request to a small entry, and each kind to its count", async () => {
    for (let i = 0; i < HOSTILE; i++) {
      assert.equal((await post("/api/v1/targets/box/remove", { hashes: unknown })).status, 200);
      assert.equal(
        (await post("/api/v1/targets/box/remove/preview", { hashes: unknown })).status,
        200,
      );
      assert.equal((await post("/api/v1/targets/locked/remove", { hashes: unknown })).status, 403);
    }
    // What they carried: 3 x 40 x 430 kB. What is kept: 2 x 15 entries of a few kB.
    const bytes = await databaseBytes();
    assert.ok(bytes < 8_000_000, `database and WAL ${bytes} bytes`);
    const page = json<AuditPage>(await httpCall(`${seedwatch.url}/api/v1/audit?limit=500`));
    assert.deepEqual([page.entries.length, page.more, page.next], [2 * KEPT, false, null]);
    assert.ok(page.entries.every((e) => e.missingCount === 10_000 && e.missing.length === 20));
    assert.ok(page.entries.every((e) => e.truncated));
    const html = await httpCall(`${seedwatch.url}/audit?limit=500`);
    assert.equal(html.status, 200);
    assert.ok(html.body.length < 200_000, `page ${html.body.length} bytes`);
    assert.match(html.body, /10,000 not on the target/);
  });

  it("keeps every torrent a removal removed identifiable, however many unknown hashes came along", async () => {
    const real = torrents.map((t) => t.infoHash);
    const removed = await post("/api/v1/targets/box/remove", {
      hashes: [...real, ...unknown.slice(0, 9_998)],
    });
    assert.equal(removed.status, 200, removed.body);
    const { auditId, result } = json<{ auditId: number; result: string }>(removed);
    assert.equal(result, "removed");
    const page = json<AuditPage>(await httpCall(`${seedwatch.url}/api/v1/audit?dryRun=0&limit=1`));
    const entry = page.entries[0];
    assert.equal(entry?.id, auditId);
    assert.deepEqual(
      [entry?.kind, entry?.torrentCount, entry?.missingCount, entry?.missing.length],
      ["removal", 2, 9_998, 20],
    );
    const listed = json<{ torrents: Array<{ hash: string }>; next: number | null }>(
      await httpCall(`${seedwatch.url}/api/v1/audit/${auditId}/torrents`),
    );
    assert.deepEqual(listed.torrents.map((t) => t.hash).sort(), [...real].sort());
    assert.equal(listed.next, null);
    const entryPage = await httpCall(`${seedwatch.url}/audit?id=${auditId}`);
    for (const hash of real) assert.ok(entryPage.body.includes(hash), hash);
  });

  it("pages the audit API with a cursor that walks every entry once", async () => {
    const all = json<AuditPage>(await httpCall(`${seedwatch.url}/api/v1/audit?limit=500`));
    const seen: number[] = [];
    let path = "/api/v1/audit?limit=7";
    for (;;) {
      const page = json<AuditPage>(await httpCall(`${seedwatch.url}${path}`));
      assert.ok(page.entries.length <= 7);
      seen.push(...page.entries.map((e) => e.id));
      if (page.next === null) break;
      assert.equal(page.more, true);
      path = `/api/v1/audit?limit=7&before=${page.next}`;
    }
    assert.deepEqual(
      seen,
      all.entries.map((e) => e.id),
    );
    assert.equal((await httpCall(`${seedwatch.url}/api/v1/audit/abc/torrents`)).status, 400);
    assert.equal((await httpCall(`${seedwatch.url}/api/v1/audit/999999/torrents`)).status, 404);
  });
});

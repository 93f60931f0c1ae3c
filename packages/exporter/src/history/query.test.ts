import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_POINTS, parseHistoryQuery } from "./query.ts";
import { SERIES } from "./series.ts";

const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);
const parse = (query: string) => parseHistoryQuery(new URLSearchParams(query), NOW);

describe("parseHistoryQuery", () => {
  it("takes a target series with defaults: the last hour, 1440 points", () => {
    const q = parse("series=upload_rate&target=box1");
    assert.ok(typeof q !== "string", q as string);
    assert.equal(q.series.name, "upload_rate");
    assert.deepEqual([q.target, q.tracker, q.path], ["box1", null, null]);
    assert.deepEqual([q.from, q.to, q.points], [NOW - 3_600_000, NOW, DEFAULT_POINTS]);
  });

  it("reads times as ISO 8601 with a zone, dates, or epoch milliseconds", () => {
    const q = parse(
      "series=tracker_uploaded&target=box1&tracker=tracker.example.org&from=2025-04-01&to=2025-04-02T06:30:00%2B02:00&points=100",
    );
    assert.ok(typeof q !== "string", q as string);
    assert.deepEqual(
      [q.from, q.to, q.points, q.tracker],
      [Date.UTC(2025, 3, 1), Date.UTC(2025, 3, 2, 4, 30), 100, "tracker.example.org"],
    );
    const epoch = parse(`series=host_load1&from=${NOW - 5000}&to=${NOW}`);
    assert.ok(typeof epoch !== "string");
    assert.deepEqual([epoch.from, epoch.target], [NOW - 5000, null]);
    const fs = parse("series=host_filesystem_used&path=/srv/data");
    assert.ok(typeof fs !== "string");
    assert.equal(fs.path, "/srv/data");
  });

  it("names the parameter and what was expected for every bad input", () => {
    const names = SERIES.map((s) => s.name).join(", ");
    const time =
      "expected an ISO 8601 time with a zone (2024-05-01T12:00:00Z, or a date 2024-05-01) or milliseconds since the epoch";
    const cases: Array<[string, string]> = [
      ["", "series: required (GET /api/v1/history/series lists them)"],
      ["series=speed", `series: unknown series "speed"; expected one of ${names}`],
      ["series=upload_rate", "target: required for series upload_rate"],
      [
        "series=upload_rate&target=../etc",
        "target: expected a target name (1-64 letters, digits, '.', '_' or '-')",
      ],
      [
        "series=host_load1&target=box1",
        "target: series host_load1 is the host's and takes no target",
      ],
      ["series=tracker_torrents&target=box1", "tracker: required for series tracker_torrents"],
      [
        "series=upload_rate&target=box1&tracker=x",
        "tracker: series upload_rate is not a per-tracker series",
      ],
      [
        `series=tracker_torrents&target=b&tracker=${"x".repeat(257)}`,
        "tracker: at most 256 characters",
      ],
      ["series=host_filesystem_used", "path: required for series host_filesystem_used"],
      [
        "series=host_filesystem_used&path=srv",
        "path: expected an absolute path, as configured in host.paths",
      ],
      ["series=host_load1&path=/", "path: series host_load1 is not a per-filesystem series"],
      ["series=host_load1&from=yesterday", `from: ${time}`],
      ["series=host_load1&to=2025-04-01T10:00:00", `to: ${time}`],
      ["series=host_load1&to=2025-13-45", `to: ${time}`],
      ["series=host_load1&from=-5", `from: ${time}`],
      [`series=host_load1&from=${NOW}&to=${NOW}`, "from: must be before to"],
      ["series=host_load1&points=0", "points: expected a whole number from 1 to 10000"],
      ["series=host_load1&points=10001", "points: expected a whole number from 1 to 10000"],
      ["series=host_load1&points=1.5", "points: expected a whole number from 1 to 10000"],
      ["series=host_load1&series=host_load1", "series: given more than once"],
      [
        "series=host_load1&trackers=a",
        'unknown parameter "trackers": expected series, target, tracker, path, from, to, points',
      ],
    ];
    for (const [query, message] of cases) assert.equal(parse(query), message, query);
  });
});

// Tests of the memory-curve chart: one line per client, the goal line, an axis from 0, escaped text.

import assert from "node:assert/strict";
import { test } from "node:test";
import { renderCurveSvg } from "../../bench/memory-curve-svg.ts";

test("one polyline per client with every point, a legend entry each, and the goal dashed", () => {
  const svg = renderCurveSvg(
    "t",
    {
      qbittorrent: [
        [0, 100],
        [1, 140],
        [2, 140],
      ],
      rtorrent: [
        [0, 100],
        [2, 120],
      ],
    },
    150,
  );
  const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1] as string);
  assert.equal(lines.length, 2);
  assert.equal(lines[0]?.split(" ").length, 3);
  assert.equal(lines[1]?.split(" ").length, 2);
  assert.match(svg, />qbittorrent</);
  assert.match(svg, />rtorrent</);
  assert.match(svg, /stroke-dasharray="6 4"\/>\n<text[^>]*>goal 150 MB</);
  // Flat stays flat: equal values, equal heights.
  const ys = (lines[0] as string).split(" ").map((p) => Number(p.split(",")[1]));
  assert.equal(ys[1], ys[2]);
});

test("the y axis starts at 0, so a line does not look steeper than it is", () => {
  // 100 to 120 MB under a 150 MB goal: the axis runs 0-200 (a round top above the goal), and
  // 100 MB is half way up the plot (y from 320 at 0 MB to 32 at 200 MB).
  const svg = renderCurveSvg(
    "t",
    {
      a: [
        [0, 100],
        [10, 120],
      ],
    },
    150,
  );
  const points = /points="([^"]*)"/.exec(svg)?.[1]?.split(" ") ?? [];
  assert.deepEqual(points, ["56.0,176.0", "600.0,147.2"]);
  assert.match(svg, /<text x="50" y="324.0" text-anchor="end">0<\/text>/);
  assert.match(svg, />200<\/text>/);
});

test("the title and client names are escaped", () => {
  const svg = renderCurveSvg(
    "a < b & c",
    {
      "x<y": [
        [0, 1],
        [1, 2],
      ],
    },
    150,
  );
  assert.match(svg, />a &lt; b &amp; c</);
  assert.match(svg, /<title>a &lt; b &amp; c<\/title>/, "the chart's title, for screen readers");
  assert.match(svg, />x&lt;y</);
  assert.doesNotMatch(svg, /x<y/);
});

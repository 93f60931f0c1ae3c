// Tests of pythonRound3 against values CPython 3 printed.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pythonRound3 } from "./python-round.ts";

describe("pythonRound3", () => {
  it("gives what CPython 3's round(x, 3) gives, ties to even included", () => {
    // Each expected value is what `python3 -c 'print(round(x, 3))'` printed.
    const cases: Array<[number, number]> = [
      [7.169, 7.169],
      [7.0625, 7.062],
      [7.1875, 7.188],
      [0.0625, 0.062],
      [2.675, 2.675],
      [1.0005, 1.0],
      [39.8224999, 39.822],
      [17.5035, 17.503],
      [100, 100],
      [0, 0],
      [-7.0625, -7.062],
      [35.5555, 35.556],
      [1e-9, 0],
      [12.3456789, 12.346],
      [99.9995, 99.999],
    ];
    for (const [input, expected] of cases) assert.equal(pythonRound3(input), expected, `${input}`);
  });

  it("leaves what cannot be rounded alone", () => {
    assert.equal(pythonRound3(1e22), 1e22);
    assert.ok(Number.isNaN(pythonRound3(Number.NaN)));
  });
});

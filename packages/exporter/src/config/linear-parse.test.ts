import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Scalar } from "yaml";
import { parseWebConfig } from "../web/web-config.ts";
import { parseConfig } from "./load.ts";

// Linear, proved by counting instead of timing: every read of a YAML scalar's value is counted
// (key comparisons read them: the yaml library's uniqueKeys check compares each new key with
// every earlier one, and doc.getIn walks a mapping's keys for each problem). Ten times the keys
// must cost about ten times the reads; the quadratic reader made it a hundred.

let reads = 0;
before(() => {
  const values = new WeakMap<object, unknown>();
  // Scalar's constructor assigns `this.value`, so an accessor on the prototype sees every node.
  Object.defineProperty(Scalar.prototype, "value", {
    configurable: true,
    get(this: object) {
      reads++;
      return values.get(this);
    },
    set(this: object, value: unknown) {
      values.set(this, value);
    },
  });
});
after(() => {
  delete (Scalar.prototype as { value?: unknown }).value;
});

/** Scalar reads of one call of `run`. */
function readsOf(run: () => void): number {
  reads = 0;
  run();
  return reads;
}

/** Asserts that 10x the size costs at most 12x the reads (a quadratic cost is 100x). */
function assertLinear(small: number, large: number, what: string): void {
  assert.ok(small > 0, what);
  assert.ok(
    large <= 12 * small,
    `${what}: ${small} scalar reads, then ${large} for ten times the size (${(large / small).toFixed(1)}x)`,
  );
}

const TARGET = "targets:\n  - { name: a, type: transmission, url: 'http://h:1' }\n";

function renames(count: number, value: (i: number) => string): string {
  const lines = Array.from({ length: count }, (_, i) => `      t${i}.example.org: ${value(i)}`);
  return `global:\n  tracker:\n    rename:\n${lines.join("\n")}\n${TARGET}`;
}

describe("reading a config is linear in its size", () => {
  it("a tracker.rename map of 2,000 and of 20,000 hosts", () => {
    const [small, large] = [2000, 20_000].map((n) =>
      readsOf(() =>
        parseConfig(
          renames(n, (i) => `T${i}`),
          "f.yml",
          {},
        ),
      ),
    );
    assertLinear(small as number, large as number, "tracker.rename");
  });

  it("a problem in each of 2,000 and of 20,000 entries (each one located)", () => {
    const [small, large] = [2000, 20_000].map((n) =>
      readsOf(() =>
        assert.throws(() =>
          parseConfig(
            renames(n, () => "''"),
            "f.yml",
            {},
          ),
        ),
      ),
    );
    assertLinear(small as number, large as number, "located problems");
  });

  it("a web config of 1,000 and of 10,000 users", () => {
    const hash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
    const users = (n: number) =>
      `basic_auth_users:\n${Array.from({ length: n }, (_, i) => `  user${i}: ${hash}`).join("\n")}\n`;
    const [small, large] = [1000, 10_000].map((n) =>
      readsOf(() => parseWebConfig(users(n), "web.yml")),
    );
    assertLinear(small as number, large as number, "basic_auth_users");
  });
});

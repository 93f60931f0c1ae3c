// Tests of jsonFromScript: flags and arguments reach the fresh process, its output comes back parsed, its failure comes back as an error.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonFromScript } from "./node-script.ts";

describe("jsonFromScript", () => {
  it("runs the module in a fresh Node with its flags and arguments, and parses what it prints", async () => {
    const script = `process.stdout.write(JSON.stringify([process.argv[1], %IsSmi(1)]));`;
    assert.deepEqual(
      await jsonFromScript(script, { flags: ["--allow-natives-syntax"], args: ["x"] }),
      ["x", true],
    );
  });

  it("throws with the child's error when the script fails", async () => {
    await assert.rejects(
      jsonFromScript(`throw new Error("broken on purpose")`),
      /broken on purpose/,
    );
  });
});

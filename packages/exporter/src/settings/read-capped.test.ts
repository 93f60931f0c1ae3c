import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "@seedwatch/testbed";
import { formatBytes, readCapped } from "./read-capped.ts";

describe("readCapped", () => {
  it("reads a file that fits whole, and says when one does not", async (t) => {
    const dir = await tempDir("read-capped");
    t.after(() => dir.remove());
    const file = join(dir.path, "f");
    await writeFile(file, "12345");
    assert.deepEqual(readCapped(file, 5), { bytes: Buffer.from("12345"), tooLarge: false });
    assert.deepEqual(readCapped(file, 4), { bytes: Buffer.from("1234"), tooLarge: true });
    await writeFile(file, "");
    assert.deepEqual(readCapped(file, 4), { bytes: Buffer.alloc(0), tooLarge: false });
  });

  it("stops after limit + 1 bytes of a file with no end", () => {
    // stat says 0 bytes; reading it whole never ends.
    const read = readCapped("/dev/zero", 1024 * 1024);
    assert.equal(read.tooLarge, true);
    assert.equal(read.bytes.length, 1024 * 1024);
  });

  it("throws the file system's error with its code", () => {
    assert.throws(() => readCapped("/nonexistent/seedwatch.yml", 10), { code: "ENOENT" });
    assert.throws(() => readCapped("/", 10), { code: "EISDIR" });
  });

  it("formats sizes as people read them", () => {
    assert.equal(formatBytes(1024 * 1024), "1 MiB (1048576 bytes)");
    assert.equal(formatBytes(2048), "2 KiB (2048 bytes)");
    assert.equal(formatBytes(1000), "1000 bytes");
  });
});

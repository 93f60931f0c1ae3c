import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { gzipSegments } from "./gzip-segments.ts";

const text = (n: number, seed: string) =>
  Buffer.from(
    Array.from(
      { length: n },
      (_, i) => `pt_tracker_torrent_uploaded_bytes{h="${seed}${i}"} ${i * 977}\n`,
    ).join(""),
  );

describe("gzipSegments", () => {
  it("decodes (with gunzip, checksums and all) to the chunks joined, large and small, text and noise", async () => {
    const chunks = [
      Buffer.from("# HELP a A.\n"),
      text(2000, "a"),
      Buffer.from(""),
      Buffer.from("a 1\n"),
      randomBytes(70_000),
      text(10, "b"),
      text(5000, "c"),
      new Uint8Array(0),
    ];
    const body = Buffer.concat(await gzipSegments(chunks));
    assert.deepEqual(gunzipSync(body), Buffer.concat(chunks));
  });

  it("compresses a chunk that lives on once, and gives the same body again", async () => {
    const big = text(3000, "x");
    const first = Buffer.concat(await gzipSegments([big, Buffer.from("tail\n")]));
    const again = Buffer.concat(await gzipSegments([big, Buffer.from("tail\n")]));
    assert.deepEqual(again, first);
    assert.deepEqual(gunzipSync(again), Buffer.concat([big, Buffer.from("tail\n")]));
  });

  it("answers an empty body with a valid empty gzip member", async () => {
    assert.equal(gunzipSync(Buffer.concat(await gzipSegments([]))).length, 0);
  });
});

// Tests of the gzip bomb: every gunzip accepts it whole, it inflates to exactly its size, and it is small.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { crc32, createGunzip, gunzipSync } from "node:zlib";
import { crc32OfZeros, gzipBomb } from "./gzip-bomb.ts";

describe("gzipBomb", () => {
  it("computes the CRC-32 of zeros as zlib does", () => {
    for (const length of [0, 1, 2, 3, 255, 4096, 2 ** 20 + 1, 3_000_017]) {
      assert.equal(crc32OfZeros(length), crc32(Buffer.alloc(length)) >>> 0, `${length} zeros`);
    }
  });

  it("inflates to exactly decodedBytes zeros, trailer checked, and says its compressed size", () => {
    for (const decodedBytes of [0, 1, 1000, 2 ** 20, 3 * 2 ** 20 + 12_345]) {
      const bomb = gzipBomb(decodedBytes);
      const wire = Buffer.concat([...bomb.chunks()]);
      assert.equal(wire.length, bomb.compressedBytes);
      const inflated = gunzipSync(wire);
      assert.equal(inflated.length, decodedBytes);
      assert.equal(inflated.indexOf(1), -1);
    }
  });

  it("builds a 256 MiB bomb of about 256 KB that a streaming gunzip inflates to the byte", async () => {
    const decodedBytes = 2 ** 28 + 7;
    const bomb = gzipBomb(decodedBytes);
    assert.ok(bomb.compressedBytes < decodedBytes / 1000, `${bomb.compressedBytes} bytes`);
    const gunzip = createGunzip();
    let inflated = 0;
    gunzip.on("data", (chunk: Buffer) => {
      inflated += chunk.length;
    });
    const done = new Promise((resolve, reject) => {
      gunzip.on("end", resolve);
      gunzip.on("error", reject);
    });
    for (const chunk of bomb.chunks()) {
      if (!gunzip.write(chunk)) await new Promise((resolve) => gunzip.once("drain", resolve));
    }
    gunzip.end();
    await done;
    assert.equal(inflated, decodedBytes);
  });

  it("keeps the size modulo 2^32 in the trailer of a bomb over 4 GiB, as RFC 1952 says", () => {
    const decodedBytes = 5 * 2 ** 30 + 3;
    const chunks = [...gzipBomb(decodedBytes).chunks()];
    const trailer = chunks.at(-1) as Buffer;
    assert.equal(trailer.readUInt32LE(0), crc32OfZeros(decodedBytes));
    assert.equal(trailer.readUInt32LE(4), 2 ** 30 + 3);
  });

  it("rejects sizes it cannot make", () => {
    assert.throws(() => gzipBomb(-1), /non-negative integer/);
    assert.throws(() => gzipBomb(1.5), /non-negative integer/);
    assert.throws(() => gzipBomb(2 ** 41), /at most/);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { acceptsGzip } from "./accept-encoding.ts";

describe("acceptsGzip", () => {
  it("takes gzip when it is named with a quality above 0", () => {
    assert.equal(acceptsGzip("gzip"), true);
    assert.equal(acceptsGzip("gzip, deflate"), true);
    assert.equal(acceptsGzip("deflate, GZIP;q=0.5"), true);
    assert.equal(acceptsGzip("br;q=1.0, gzip;q=0.8, *;q=0.1"), true);
  });

  it("refuses gzip named with quality 0, whatever * says and wherever it stands", () => {
    assert.equal(acceptsGzip("gzip;q=0"), false);
    assert.equal(acceptsGzip("gzip; q=0.000"), false);
    assert.equal(acceptsGzip("deflate, gzip;q=0"), false);
    assert.equal(acceptsGzip("gzip;q=0, *"), false);
    assert.equal(acceptsGzip("*, gzip;q=0"), false);
  });

  it("takes * for gzip only when gzip is not named", () => {
    assert.equal(acceptsGzip("*"), true);
    assert.equal(acceptsGzip("*;q=0"), false);
    assert.equal(acceptsGzip("br, *;q=0.2"), true);
  });

  it("refuses without a header, an empty one, or other codings only", () => {
    assert.equal(acceptsGzip(undefined), false);
    assert.equal(acceptsGzip(""), false);
    assert.equal(acceptsGzip("identity"), false);
    assert.equal(acceptsGzip("br"), false);
    assert.equal(acceptsGzip("gzip;q=nonsense"), false);
  });
});

// Unit tests of the Accept-Language parser and the page language it picks.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pageLanguage, parseAcceptLanguage } from "./accept-language.ts";
import { pickLanguage } from "./language.ts";

describe("parseAcceptLanguage", () => {
  it("orders ranges by weight, keeping the header's order among equals", () => {
    assert.deepEqual(parseAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8"), ["zh-CN", "zh", "en"]);
    assert.deepEqual(parseAcceptLanguage("en;q=0.5, zh-CN;q=0.8"), ["zh-CN", "en"]);
    assert.deepEqual(parseAcceptLanguage("de, fr , en-GB"), ["de", "fr", "en-GB"]);
    assert.deepEqual(parseAcceptLanguage("de;q=1.000, *;q=0.1"), ["de", "*"]);
  });

  it("leaves out what is not acceptable (q=0) and what is malformed", () => {
    assert.deepEqual(parseAcceptLanguage("zh;q=0, en"), ["en"]);
    assert.deepEqual(parseAcceptLanguage("zh;q=abc, en"), ["en"]);
    assert.deepEqual(parseAcceptLanguage("zh;q=1.5, en;q=0.1234, fr;x=1, es"), ["es"]);
    assert.deepEqual(parseAcceptLanguage("<script>, en"), ["en"]);
    assert.deepEqual(parseAcceptLanguage(""), []);
    assert.deepEqual(parseAcceptLanguage(undefined), []);
    assert.deepEqual(parseAcceptLanguage(",,;"), []);
  });

  it("reads at most 32 ranges of a long header", () => {
    const header = `${Array.from({ length: 1000 }, () => "de").join(",")},zh-CN`;
    assert.equal(parseAcceptLanguage(header).length, 32);
  });
});

describe("the page language", () => {
  it("is Chinese for every zh range and English for every en range, case-insensitively", () => {
    for (const header of ["zh-CN", "zh", "ZH-cn", "zh-Hans-CN", "zh-TW", "zh-SG;q=0.3"])
      assert.equal(pageLanguage(header), "zh-CN", header);
    for (const header of ["en", "en-US", "EN-gb"]) assert.equal(pageLanguage(header), "en", header);
  });

  it("follows the weights: the most wanted language we speak wins", () => {
    assert.equal(pageLanguage("zh-CN,zh;q=0.9,en;q=0.8"), "zh-CN");
    assert.equal(pageLanguage("en-US,en;q=0.9,zh-CN;q=0.8"), "en");
    assert.equal(pageLanguage("en;q=0.5, zh-CN;q=0.8"), "zh-CN");
    assert.equal(pageLanguage("fr-FR, de;q=0.9, zh;q=0.5, en;q=0.4"), "zh-CN");
    assert.equal(pageLanguage("zh;q=0, en;q=0.1"), "en");
  });

  it("is English when nothing we speak is asked for", () => {
    for (const header of [undefined, "", "*", "fr, de", "zh;q=0", "garbage;;;"])
      assert.equal(pageLanguage(header), "en", String(header));
  });

  it("picks from navigator.languages the same way", () => {
    assert.equal(pickLanguage(["fr-FR", "zh-CN", "en-US"]), "zh-CN");
    assert.equal(pickLanguage(["en-US", "zh-CN"]), "en");
    assert.equal(pickLanguage([]), "en");
  });
});

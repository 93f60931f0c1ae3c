// Unit tests of the page's language choice and of message lookup.

import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { initialLanguage, isMessageKey, language, t, useLanguage } from "./translate.ts";

describe("the page's language", () => {
  afterEach(() => useLanguage("en"));

  it("is the one chosen on the page before, else the browser's first we speak, else English", () => {
    assert.equal(initialLanguage("zh-CN", ["en-US"]), "zh-CN");
    assert.equal(initialLanguage("en", ["zh-CN", "zh"]), "en");
    assert.equal(initialLanguage(null, ["fr-FR", "zh-TW", "en"]), "zh-CN");
    assert.equal(initialLanguage(undefined, ["de"]), "en");
    assert.equal(initialLanguage("klingon", ["zh-CN"]), "zh-CN", "a stored value we do not speak");
    assert.equal(initialLanguage(null, undefined), "en");
  });

  it("gives each message in the page's language, with its placeholders filled", () => {
    assert.equal(t("torrents.range", { first: 1, last: 25, total: 12_345 }), "1–25 of 12,345");
    assert.equal(t("host.cpus", { count: 1 }), "1 CPU");
    assert.equal(t("host.cpus", { count: 4 }), "4 CPUs");
    useLanguage("zh-CN");
    assert.equal(language(), "zh-CN");
    assert.equal(
      t("torrents.range", { first: 1, last: 25, total: 12_345 }),
      "第 1–25 个，共 12,345 个",
    );
    assert.equal(t("host.cpus", { count: 4 }), "4 个 CPU");
    assert.equal(t("status.Stalled"), "等待");
  });

  it("knows its keys, for keys built from data", () => {
    assert.equal(isMessageKey("status.Uploading"), true);
    assert.equal(isMessageKey("status.Nonsense"), false);
    assert.equal(isMessageKey("toString"), false);
  });
});

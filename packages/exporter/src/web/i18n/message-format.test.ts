// Unit tests of message formatting: placeholders, plural forms, numbers, HTML escaping.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: seedwatch.yml's own ${VAR} syntax, written as text

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  formatHtml,
  formatMessage,
  MessageFormatError,
  placeholdersOf,
  pluralCategories,
} from "./message-format.ts";

const escapeText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

describe("formatMessage", () => {
  it("fills placeholders wherever the language puts them", () => {
    assert.equal(
      formatMessage("en", "{used} of {total}", { used: "1 GiB", total: "4 GiB" }),
      "1 GiB of 4 GiB",
    );
    assert.equal(
      formatMessage("zh-CN", "已用 {used}，共 {total}", { used: "1 GiB", total: "4 GiB" }),
      "已用 1 GiB，共 4 GiB",
    );
  });

  it("writes numbers the language's way", () => {
    assert.equal(formatMessage("en", "{n} torrents", { n: 12345 }), "12,345 torrents");
    assert.equal(formatMessage("zh-CN", "{n} 个种子", { n: 12345 }), "12,345 个种子");
  });

  it("chooses the plural form by count, per language", () => {
    const forms = { one: "{count} torrent", other: "{count} torrents" };
    assert.equal(formatMessage("en", forms, { count: 1 }), "1 torrent");
    assert.equal(formatMessage("en", forms, { count: 0 }), "0 torrents");
    assert.equal(formatMessage("en", forms, { count: 2 }), "2 torrents");
    assert.equal(formatMessage("zh-CN", { other: "{count} 个种子" }, { count: 1 }), "1 个种子");
    assert.deepEqual(pluralCategories("en").sort(), ["one", "other"]);
    assert.deepEqual(pluralCategories("zh-CN"), ["other"]);
  });

  it("keeps braces that hold no name as text", () => {
    assert.equal(
      formatMessage("en", "set {setting} (removal: { enabled: true })", { setting: "x" }),
      "set x (removal: { enabled: true })",
    );
    assert.deepEqual([...placeholdersOf("a {b} { c } {d} ${E}")], ["b", "d"]);
    assert.equal(
      formatMessage("en", "set ${PASSWORD} in {file}", { file: "f" }),
      "set ${PASSWORD} in f",
    );
    assert.deepEqual([...placeholdersOf({ one: "an hour", other: "{count} hours" })], ["count"]);
  });

  it("fails loudly on a placeholder without a value, and a plural without a count", () => {
    assert.throws(() => formatMessage("en", "up {duration}"), MessageFormatError);
    assert.throws(() => formatMessage("en", { one: "a", other: "b" }, {}), MessageFormatError);
  });
});

describe("formatHtml", () => {
  it("escapes the message and every value, except trusted fragments", () => {
    assert.equal(
      formatHtml(
        "en",
        "Remove <{name}> from {target}: {code}",
        { name: "<b>x</b>", target: "a&b" },
        escapeText,
        {
          code: "<code>ok</code>",
        },
      ),
      "Remove &lt;&lt;b>x&lt;/b>> from a&amp;b: <code>ok</code>",
    );
  });
});

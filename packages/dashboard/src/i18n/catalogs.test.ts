// The dashboard's catalogs: the same keys and placeholders in every language, every key used, nothing left in English.

import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { SERIES } from "../../../exporter/src/history/series.ts";
import { STATUS_NAMES } from "../../../exporter/src/model/status.ts";
import { catalogProblems } from "../../../exporter/src/web/i18n/catalog-problems.ts";
import { LANGUAGES } from "../../../exporter/src/web/i18n/language.ts";
import {
  formatMessage,
  placeholdersOf,
  pluralCategories,
} from "../../../exporter/src/web/i18n/message-format.ts";
import { CLASSES } from "../class-summary.ts";
import { EN } from "./en.ts";
import { CATALOGS } from "./translate.ts";

const SRC = fileURLToPath(new URL("../", import.meta.url));

/** Key prefixes the code completes from data (`t(\`status.${name}\`)`). */
const DYNAMIC_PREFIXES = ["live.", "state.", "status.", "series.", "seriesHelp."];

/** Latin words a Chinese reader sees as they are: names, units, abbreviations. */
const LATIN_IN_CHINESE = new Set(["API", "CPU", "HTTP", "Tracker", "df", "libtorrent"]);

describe("the dashboard's catalogs", () => {
  it("have the same keys, placeholders and plural forms in every language", () => {
    assert.deepEqual(Object.keys(CATALOGS), [...LANGUAGES]);
    assert.deepEqual(catalogProblems(CATALOGS), []);
  });

  it("fail the check when a key is missing or extra, or a placeholder differs", () => {
    const { "torrents.none": _dropped, ...missing } = CATALOGS["zh-CN"];
    assert.deepEqual(catalogProblems({ en: EN, "zh-CN": missing }), [
      "zh-CN: torrents.none: missing",
    ]);
    const extra = { ...CATALOGS["zh-CN"], "torrents.gone": "没有了。" };
    assert.deepEqual(catalogProblems({ en: EN, "zh-CN": extra }), [
      "zh-CN: torrents.gone: not in the en catalog",
    ]);
    const renamed = { ...CATALOGS["zh-CN"], "trackers.failed": "无法加载：{error}" };
    assert.deepEqual(catalogProblems({ en: EN, "zh-CN": renamed }), [
      "zh-CN: trackers.failed: placeholders {error}, en has {reason}",
    ]);
  });

  it("name every status of pt-exporter's table, every archived series and every class", () => {
    for (const language of LANGUAGES) {
      const catalog: Readonly<Record<string, unknown>> = CATALOGS[language];
      for (const status of STATUS_NAMES) assert.ok(catalog[`status.${status}`], status);
      for (const series of SERIES) {
        assert.ok(catalog[`series.${series.name}`], `${language} series.${series.name}`);
        assert.ok(catalog[`seriesHelp.${series.name}`], `${language} seriesHelp.${series.name}`);
      }
      for (const [, key] of CLASSES) assert.ok(catalog[key], key);
    }
  });

  it("write the status names exactly as pt-exporter's table does", () => {
    const zh = CATALOGS["zh-CN"];
    assert.deepEqual(
      STATUS_NAMES.map((s) => zh[`status.${s}` as keyof typeof zh]),
      [
        "未知",
        "分配",
        "下载中",
        "上传中",
        "校验",
        "错误",
        "等待",
        "排队",
        "暂停",
        "移动中",
        "未定义",
      ],
    );
  });

  it("format every message with its placeholders filled, in every plural form", () => {
    for (const language of LANGUAGES) {
      const counts = language === "en" ? [1, 2] : [1];
      assert.deepEqual(
        pluralCategories(language).sort(),
        language === "en" ? ["one", "other"] : ["other"],
      );
      for (const [key, message] of Object.entries(CATALOGS[language])) {
        for (const count of counts) {
          const params = Object.fromEntries(
            [...placeholdersOf(message)].map((name) => [name, name === "count" ? count : "X"]),
          );
          const text = formatMessage(language, message, params);
          assert.doesNotMatch(text, /\{[A-Za-z]\w*\}/, `${language} ${key}: ${text}`);
        }
      }
    }
  });

  it("leave nothing in English in the Chinese catalog but names and units", () => {
    const left: string[] = [];
    for (const [key, message] of Object.entries(CATALOGS["zh-CN"])) {
      const texts = typeof message === "string" ? [message] : Object.values(message);
      for (const text of texts) {
        const words = (text ?? "").replace(/\{\w+\}/g, "").match(/[A-Za-z]{2,}/g) ?? [];
        for (const word of words) if (!LATIN_IN_CHINESE.has(word)) left.push(`${key}: ${word}`);
      }
    }
    assert.deepEqual(left, []);
  });

  it("hold no key the code never uses", async () => {
    const files = (await readdir(SRC, { recursive: true }))
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("i18n"))
      .map((f) => join(SRC, f));
    const code = (await Promise.all(files.map((f) => readFile(f, "utf8")))).join("\n");
    const unused = Object.keys(EN).filter(
      (key) =>
        !code.includes(`"${key}"`) && !DYNAMIC_PREFIXES.some((prefix) => key.startsWith(prefix)),
    );
    assert.deepEqual(unused, []);
  });
});

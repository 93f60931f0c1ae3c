// The dashboards in every language: the same panels and queries, every word from the language's catalog, no English left in the Chinese ones.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { STATUS_LABELS } from "../../packages/exporter/src/render/status-labels.ts";
import { catalogProblems } from "../../packages/exporter/src/web/i18n/catalog-problems.ts";
import { DASHBOARD_LANGUAGES, DASHBOARD_TEXT } from "./dashboard-language.ts";
import { DASHBOARDS } from "./dashboards.ts";
import { buildDashboard, type Json } from "./model.ts";
import { GRAFANA_EN } from "./text-en.ts";

/** Keys whose string values are words a reader sees (or, for uid, tags and url, name a language's dashboard). */
const WORDS = new Set(["title", "description", "label", "legendFormat", "text"]);

/** Whether `key` of `object` holds words: WORDS, a column's title, an annotation's name. */
function holdsWords(key: string, object: Json): boolean {
  return (
    WORDS.has(key) ||
    (key === "value" && object.id === "displayName") ||
    (key === "name" && object.builtIn === 1)
  );
}

/**
 * Latin a Chinese reader sees as it is: product names, the abbreviations the dashboard's Chinese
 * catalog keeps (Tracker, CPU), units and quantiles, an alert's name and a histogram option.
 */
const LATIN_IN_CHINESE = new Set([
  "Seedwatch",
  "seedwatch",
  "qBittorrent",
  "Transmission",
  "Deluge",
  "rTorrent",
  "libtorrent",
  "Prometheus",
  "Node",
  "channel-exporter",
  "Tracker",
  "DHT",
  "HTTP",
  "CPU",
  "Gbps",
  "Mbps",
  "p50",
  "p95",
  "p99",
  "SeedwatchTrackerErrors",
  "maxSeries",
]);

/** Every string of a dashboard a reader sees, with where it is. */
function visibleTexts(value: unknown, path = ""): Array<{ path: string; text: string }> {
  if (Array.isArray(value)) return value.flatMap((item, i) => visibleTexts(item, `${path}[${i}]`));
  if (typeof value !== "object" || value === null) return [];
  const object = value as Json;
  const out: Array<{ path: string; text: string }> = [];
  for (const [key, item] of Object.entries(object)) {
    const at = `${path}.${key}`;
    // A sorted column is named by its title.
    const shown = holdsWords(key, object) || (key === "displayName" && path.endsWith("sortBy[0]"));
    if (typeof item === "string" && shown) out.push({ path: at, text: item });
    else if (Array.isArray(item) && key === "text")
      for (const t of item) out.push({ path: at, text: String(t) });
    else out.push(...visibleTexts(item, at));
  }
  return out;
}

/** The English words left in a text: what is not a template, an identifier, a path or allowed. */
function englishIn(text: string): string[] {
  const stripped = text
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/\{\{\s*\w+\s*\}\}/g, " ")
    .replace(/\$\{[^}]*\}|\$\w+/g, " ")
    // Config keys, metric names, file paths, package names: they contain _ . / or @.
    .replace(/[@\w/.-]*[_./@][@\w/.-]*/g, " ");
  return (stripped.match(/[A-Za-z][A-Za-z0-9-]*/g) ?? []).filter(
    (word) => !LATIN_IN_CHINESE.has(word),
  );
}

/**
 * Where two dashboards differ in anything but their words: a panel, query, unit, threshold or
 * layout of one that the other does not have. uids, tags and links differ by the language suffix
 * of the dashboards they name.
 */
function structuralDifferences(
  a: unknown,
  b: unknown,
  suffix: string,
  path = "",
  parent: Json = {},
): string[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: ${a.length} items, ${b.length} items`];
    return a.flatMap((item, i) => structuralDifferences(item, b[i], suffix, `${path}[${i}]`, {}));
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const keysA = Object.keys(a).sort().join();
    const keysB = Object.keys(b).sort().join();
    if (keysA !== keysB) return [`${path}: keys ${keysA} / ${keysB}`];
    return Object.keys(a).flatMap((key) =>
      structuralDifferences(
        (a as Json)[key],
        (b as Json)[key],
        suffix,
        `${path}.${key}`,
        a as Json,
      ),
    );
  }
  if (a === b) return [];
  if (typeof a === "string" && typeof b === "string") {
    const key = path.slice(path.lastIndexOf(".") + 1).replace(/\[\d+\]$/, "");
    if (holdsWords(key, parent)) return [];
    if (key === "displayName" && path.includes("sortBy")) return [];
    if (key === "uid" && b === `${a}${suffix}`) return [];
    if (key === "tags" && b === `${a}${suffix}`) return [];
    if (key === "url" && b === a.replace(/\/d\/([\w-]+)\//, `/d/$1${suffix}/`)) return [];
  }
  return [`${path}: ${JSON.stringify(a)} / ${JSON.stringify(b)}`];
}

const built = (language: string, name: string) => {
  const file = DASHBOARDS.find((d) => d.language === language && d.name === name);
  assert.ok(file !== undefined, `${language} ${name}`);
  return buildDashboard(file.spec);
};
const NAMES = [...new Set(DASHBOARDS.map((d) => d.name))];

describe("the Grafana dashboards' languages", () => {
  it("generates every dashboard in every language, English where it always was", () => {
    assert.equal(NAMES.length, 4);
    assert.deepEqual(
      DASHBOARDS.map((d) => d.file),
      DASHBOARD_LANGUAGES.flatMap((language) =>
        NAMES.map((name) => (language === "en" ? name : `${language}/${name}`)),
      ),
    );
  });

  it("has catalogs with the same keys in every language, none empty", () => {
    assert.deepEqual(catalogProblems(DASHBOARD_TEXT), []);
  });

  it("uses every entry of each catalog in that language's dashboards", () => {
    for (const language of DASHBOARD_LANGUAGES) {
      const texts = DASHBOARDS.filter((d) => d.language === language).flatMap((d) =>
        visibleTexts(buildDashboard(d.spec)).map((t) => t.text),
      );
      for (const [key, text] of Object.entries(DASHBOARD_TEXT[language]))
        assert.ok(
          texts.some((shown) => shown.includes(text)),
          `${language}: ${key} is in no dashboard`,
        );
    }
  });

  for (const name of NAMES) {
    describe(name, () => {
      const en = built("en", name);
      const zh = built("zh-CN", name);

      it("zh-CN: the same panels, queries, units, variables and layout as English", () => {
        assert.deepEqual(structuralDifferences(en, zh, "-zh-cn"), []);
      });

      it("zh-CN: no title, description, legend, column, variable or value text left in English", () => {
        const texts = visibleTexts(zh);
        assert.ok(texts.length > 20);
        const english = texts
          .map(({ path, text }) => ({ path, text, words: englishIn(text) }))
          .filter((t) => t.words.length > 0);
        assert.deepEqual(english, []);
      });

      it("zh-CN: status codes read as pt-exporter's Chinese names, up and down in Chinese", () => {
        const mappings: string[] = JSON.stringify(zh).match(/"text":"[^"]*"/g) ?? [];
        for (const status of ["Uploading", "Paused", "up", "down"])
          assert.ok(!mappings.includes(`"text":"${status}"`), status);
        if (name === "seedwatch-target.json" || name === "seedwatch-tracker.json")
          for (const status of STATUS_LABELS.zh)
            assert.ok(mappings.includes(`"text":"${status}"`), status);
      });
    });
  }

  it("the checks above catch English left in, and a query or panel that differs", () => {
    assert.deepEqual(englishIn("各 Tracker 上传速度"), []);
    assert.deepEqual(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${...} variable syntax
      englishIn("设置 per_torrent.max_torrents（见 docs/security.md）{{name}} ${x}"),
      [],
    );
    assert.deepEqual(englishIn("Upload speed 上传"), ["Upload", "speed"]);
    const en = built("en", "seedwatch-target.json");
    const zh = built("zh-CN", "seedwatch-target.json") as Json & { panels: Json[] };
    const panel = zh.panels[1] as Json & { targets: Json[] };
    const changedQuery = {
      ...zh,
      panels: [
        zh.panels[0],
        { ...panel, targets: [{ ...panel.targets[0], expr: "pt_up" }] },
        ...zh.panels.slice(2),
      ],
    };
    assert.equal(structuralDifferences(en, changedQuery, "-zh-cn").length, 1);
    assert.equal(
      structuralDifferences(en, { ...zh, panels: zh.panels.slice(1) }, "-zh-cn").length,
      1,
    );
    const leftInEnglish = { ...zh, panels: [{ ...zh.panels[0], title: GRAFANA_EN["row.now"] }] };
    assert.deepEqual(
      visibleTexts(leftInEnglish)
        .map((t) => englishIn(t.text))
        .filter((w) => w.length > 0),
      [["Now"]],
    );
  });
});

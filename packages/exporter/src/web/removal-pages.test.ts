// Unit tests of the removal pages in English and Simplified Chinese: whole sentences, escaped values, no key left in English.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { STATUS_NAMES } from "../model/status.ts";
import { AUDIT_RESULTS, type AuditEntry } from "../removal/audit-log.ts";
import type { RemovalAnswer, RemovalPlan } from "../removal/removal-service.ts";
import type { SelectedTorrent } from "../removal/select.ts";
import { catalogProblems } from "./i18n/catalog-problems.ts";
import { PAGE_CATALOGS, pageText } from "./i18n/page-text.ts";
import { PAGES_EN } from "./i18n/pages-en.ts";
import { auditEntryPage, auditPage, confirmPage, errorPage, resultPage } from "./removal-pages.ts";

const NOW = Date.parse("2026-12-07T12:00:00Z");
const HASH = "a".repeat(40);
const en = pageText("en");
const zh = pageText("zh-CN");

const torrent = (overrides: Partial<SelectedTorrent> = {}): SelectedTorrent => ({
  hash: HASH,
  name: "Big <Buck> Bunny",
  tracker: "tracker.example.org",
  category: "movies",
  tags: ["keep"],
  state: "Uploading",
  size: 3 * 2 ** 30,
  progress: 1,
  ratio: 2.5,
  seedingTime: 3 * 86_400 + 4 * 3600,
  addedOn: NOW / 1000 - 12 * 60 - 5,
  deleteData: true,
  rule: undefined,
  ...overrides,
});

const plan = (overrides: Partial<RemovalPlan> = {}): RemovalPlan => ({
  target: "box1",
  removalEnabled: true,
  torrents: [torrent()],
  missing: [],
  rules: [],
  warnings: [],
  ...overrides,
});

const form = { target: "box1", hashes: [HASH], rules: [], deleteData: true };

/** The visible text of a page: tags dropped, entities read. */
function visible(html: string): string {
  return html
    .replace(/<style>[^<]*<\/style>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

/** Latin words a Chinese page shows as they are: data of the test, names, units, code. */
const LATIN_ALLOWED = new Set([
  ..."Big Buck Bunny tracker example org movies keep box Seedwatch seedwatch yml removal enabled true".split(
    " ",
  ),
  ..."Tracker JSON API GiB KiB MiB UTC".split(" "),
]);

function latinWords(html: string): string[] {
  const words = visible(html).match(/[A-Za-z]{2,}/g) ?? [];
  return [...new Set(words.filter((w) => !LATIN_ALLOWED.has(w) && !/^[a-f]+$/.test(w)))];
}

describe("the removal pages' catalogs", () => {
  it("have the same keys, placeholders and plural forms in English and Chinese", () => {
    assert.deepEqual(catalogProblems(PAGE_CATALOGS), []);
  });

  it("name every status, every audit result, in pt-exporter's Chinese words", () => {
    for (const status of STATUS_NAMES) assert.ok(`status.${status}` in PAGES_EN, status);
    for (const result of AUDIT_RESULTS) assert.ok(`outcome.${result}` in PAGES_EN, result);
    assert.equal(zh.text("status.Stalled"), "等待");
    assert.equal(zh.text("status.Uploading"), "上传中");
  });
});

describe("the confirmation page", () => {
  it("says in English what will be removed, with every value escaped", () => {
    const html = confirmPage({ plan: plan(), form, token: "tok", now: NOW, text: en });
    assert.match(html, /<html lang="en">/);
    assert.match(html, /<h1>Remove 1 torrent from box1\?<\/h1>/);
    assert.match(html, /The downloaded files of this torrent will be deleted from disk\./);
    assert.match(html, /Big &lt;Buck&gt; Bunny/);
    assert.doesNotMatch(html, /<Buck>/);
    assert.match(html, /<td>Uploading<\/td>/);
    assert.match(html, /<td class="n">3d 4h<\/td><td class="n">12m 5s<\/td>/);
    assert.match(html, /Remove 1 torrent and delete data<\/button> <a href=".\/">Cancel<\/a>/);
    assert.match(html, /<title>Remove from box1 · Seedwatch<\/title>/);
  });

  it("says it in Chinese to a Chinese reader, status names as pt-exporter writes them", () => {
    const two = plan({
      torrents: [torrent(), torrent({ hash: "b".repeat(40), deleteData: false })],
    });
    const html = confirmPage({ plan: two, form, token: "tok", now: NOW, text: zh });
    assert.match(html, /<html lang="zh-CN">/);
    assert.match(html, /<h1>要从 box1 删除 2 个种子吗？<\/h1>/);
    assert.match(html, /其中 1 个种子已下载的文件将从磁盘上删除。/);
    assert.match(html, /<td>上传中<\/td>/);
    assert.match(html, /<td class="n">3天4小时<\/td><td class="n">12分5秒<\/td>/);
    assert.match(html, /删除 2 个种子及其数据<\/button> <a href=".\/">取消<\/a>/);
    assert.match(html, /<a href=".\/">仪表盘<\/a> · <a href="audit">删除审计日志<\/a>/);
    assert.deepEqual(latinWords(html), []);
  });

  it("keeps markup out of translated sentences: rules, hashes and code stay markup, names stay text", () => {
    const ruled = plan({
      removalEnabled: false,
      target: "<x>",
      missing: ["c".repeat(40)],
      rules: [{ rule: "old<1>", matched: 2, selected: 1, note: "limit 1" }],
    });
    for (const text of [en, zh]) {
      const html = confirmPage({ plan: ruled, form, token: "t", now: NOW, text });
      assert.match(html, /<b>old&lt;1&gt;<\/b>/);
      assert.match(html, /<code>removal: \{ enabled: true \}<\/code>/);
      assert.match(html, new RegExp(`<code>${"c".repeat(40)}</code>`));
      assert.doesNotMatch(html, /<x>/);
      assert.doesNotMatch(html, /<form/, "no form when removal is off");
    }
    const english = confirmPage({ plan: ruled, form, token: "t", now: NOW, text: en });
    assert.match(english, /Rule <b>old&lt;1&gt;<\/b>: 2 match, 1 selected \(limit 1\)/);
    assert.match(english, /Removal is disabled for &lt;x&gt; in seedwatch.yml/);
    const chinese = confirmPage({ plan: ruled, form, token: "t", now: NOW, text: zh });
    assert.match(chinese, /规则 <b>old&lt;1&gt;<\/b>：匹配 2 个，选中 1 个（limit 1）/);
  });
});

describe("the result, audit and error pages", () => {
  const answer: RemovalAnswer = {
    ...plan(),
    dryRun: false,
    result: "partial",
    stillPresent: [HASH],
    error: null,
    auditId: 7,
  };
  const entry: AuditEntry = {
    id: 7,
    at: "2026-12-07T12:00:00.123Z",
    kind: "removal",
    user: null,
    remote: "127.0.0.1",
    via: "confirm",
    target: "box1",
    dryRun: false,
    deleteData: true,
    rules: [],
    torrentCount: 12_345,
    torrents: [
      {
        hash: HASH,
        name: "Big Buck Bunny",
        tracker: "t",
        size: 1024,
        deleteData: true,
        rule: null,
      },
    ],
    missingCount: 10_000,
    missing: ["d".repeat(40)],
    truncated: true,
    result: "partial",
    error: null,
  };
  const query = { target: undefined, dryRun: undefined, before: undefined, limit: 50 };

  it("write the result in the reader's language", () => {
    assert.match(resultPage(answer, NOW, en), /<h1>Removal from box1: partial<\/h1>/);
    assert.match(resultPage(answer, NOW, en), /Audit log entry <a href="audit\?id=7">#7<\/a>\./);
    const html = resultPage(answer, NOW, zh);
    assert.match(html, /<h1>从 box1 删除：部分删除<\/h1>/);
    assert.match(html, /审计日志条目 <a href="audit\?id=7">#7<\/a>。/);
    assert.match(resultPage({ ...answer, result: "removed" }, NOW, zh), /已从 box1 删除 1 个种子/);
    assert.deepEqual(latinWords(html), []);
  });

  it("write the audit log and an entry in the reader's language, counts grouped", () => {
    const list = auditPage({ entries: [entry], next: 7, more: true }, query, en);
    assert.match(list, /10,000 not on the target/);
    assert.match(list, /12,345 torrents, <span class="data">data deleted<\/span>/);
    const zhList = auditPage({ entries: [entry], next: 7, more: true }, query, zh);
    assert.match(zhList, /<h1>删除审计日志<\/h1>/);
    assert.match(zhList, /10,000 个不在目标上/);
    assert.match(zhList, /12,345 个种子，<span class="data">数据已删除<\/span>/);
    assert.match(zhList, /<td>（未登录）<\/td><td>127.0.0.1<\/td><td>确认页面<\/td>/);
    assert.deepEqual(latinWords(zhList), []);
    const page = auditEntryPage(
      entry,
      {
        id: 7,
        kind: "removal",
        torrentCount: 12_345,
        torrents: [...entry.torrents],
        next: 1,
        sample: false,
      },
      { id: 7, from: 0, limit: 1 },
      zh,
    );
    assert.match(page, /<h1>审计日志条目 #7<\/h1>/);
    assert.match(page, /第 1–1 个种子，共 12,345 个：/);
    assert.match(page, /请求删除但不在 box1 上（列出前 1 个，共 10,000 个）：<code>d{40}<\/code>/);
    assert.deepEqual(latinWords(page), []);
  });

  it("write error pages with the title and message given, escaped", () => {
    const html = errorPage(zh, zh.text("error.expired"), zh.text("error.expiredWhy"));
    assert.match(html, /<title>确认已失效 · Seedwatch<\/title>/);
    assert.match(html, /<h1>确认已失效<\/h1>\n<p>这次确认并非来自/);
    assert.match(
      errorPage(en, "Bad <request>", "a & b"),
      /<h1>Bad &lt;request&gt;<\/h1>\n<p>a &amp; b<\/p>/,
    );
  });
});

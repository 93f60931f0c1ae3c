import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ZH_CN as DASHBOARD_ZH_CN } from "../../../dashboard/src/i18n/zh-cn.ts";
import { STATUS_NAMES, TorrentStatus } from "../model/status.ts";
import { PAGES_ZH_CN } from "../web/i18n/pages-zh-cn.ts";
import { STATUS_LABELS, statusLabel } from "./status-labels.ts";

describe("status labels", () => {
  it("have a name for every code in each language, and English is the status table's", () => {
    assert.deepEqual(STATUS_LABELS.en, STATUS_NAMES);
    assert.equal(STATUS_LABELS.zh.length, STATUS_NAMES.length);
    assert.equal(new Set(STATUS_LABELS.zh).size, STATUS_NAMES.length);
    assert.equal(statusLabel(TorrentStatus.Uploading, "zh"), "上传中");
    assert.equal(statusLabel(TorrentStatus.Stalled, "en"), "Stalled");
  });

  it("are the names the dashboard and the daemon's pages show in Chinese", () => {
    for (const [code, english] of STATUS_NAMES.entries()) {
      const key = `status.${english}` as keyof typeof DASHBOARD_ZH_CN;
      assert.equal(DASHBOARD_ZH_CN[key], STATUS_LABELS.zh[code], key);
      assert.equal(
        PAGES_ZH_CN[key as keyof typeof PAGES_ZH_CN],
        STATUS_LABELS.zh[code],
        `pages ${key}`,
      );
    }
  });
});

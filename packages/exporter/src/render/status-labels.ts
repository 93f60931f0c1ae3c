// The `status` label of pt_torrents_count and downloader_torrents_count, in English or in pt-exporter's Chinese (`compat.status_language`).

import type { StatusLanguage } from "../collect/target-config.ts";
import { STATUS_NAMES, type StatusCode } from "../model/status.ts";

/**
 * Status names by code in each language. `zh` is pt-exporter's `RewriteStatusStr` with `lang: zh`
 * (collector/qbittirrent.go), string for string; for a state it does not know pt-exporter writes
 * the client's own state name, where seedwatch has code 10, written as its README's table does.
 */
export const STATUS_LABELS: Readonly<Record<StatusLanguage, readonly string[]>> = {
  en: STATUS_NAMES,
  zh: [
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
};

/** The `status` label of a status code in `language`. */
export function statusLabel(code: StatusCode, language: StatusLanguage): string {
  const names = STATUS_LABELS[language];
  return names[code] ?? (names[names.length - 1] as string);
}

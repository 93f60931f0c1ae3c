// The daemon's side of answer-bomb.ts: one qBittorrent poll against the bomb, resident memory around it.

import { writeFileSync } from "node:fs";
import { HttpClient } from "../packages/exporter/src/net/http-client.ts";
import { Credentials } from "../packages/exporter/src/sources/credentials.ts";
import { QbittorrentApi } from "../packages/exporter/src/sources/qbittorrent/api.ts";

const [url = "", out = ""] = process.argv.slice(2);
const MB = 2 ** 20;
const http = new HttpClient({});
const api = new QbittorrentApi(url, Credentials.login("admin", "adminadmin"), http);
const rssBefore = process.memoryUsage().rss;
let error = "";
try {
  await api.transferInfo(AbortSignal.timeout(60_000));
} catch (e) {
  error = (e as Error).message;
}
const rssAfter = process.memoryUsage().rss;
http.close();
writeFileSync(
  out,
  JSON.stringify({
    rssBeforeMB: rssBefore / MB,
    rssAfterMB: rssAfter / MB,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    bytesRead: (http as { bytesReceived?: number }).bytesReceived,
    error,
  }),
);

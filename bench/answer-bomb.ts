// Measures what a hostile client answer costs the daemon: a gzip bomb (a small body that inflates to
// hundreds of MB) on qBittorrent's login, status 500 or 200, with or without Content-Length, read
// by a child process standing for the daemon. Prints the child's resident memory before and after,
// and what it read from the socket. Not a suite: `node bench/answer-bomb.ts [inflated MiB, 460]`.

import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";
import { runDaemonChild } from "./child.ts";

/** What the child reports. */
export interface BombResult {
  readonly status: number;
  readonly rssBeforeMB: number;
  readonly rssAfterMB: number;
  readonly maxRssMB: number;
  /** Bytes the child read from the socket (undefined where the client cannot tell). */
  readonly bytesRead: number | undefined;
  readonly error: string;
}

/** A gzip body that inflates to `mib` MiB of zeros, built in pieces (never the zeros whole). */
async function gzipBomb(mib: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on("data", (chunk: Buffer) => parts.push(chunk));
  const zeros = Buffer.alloc(2 ** 20);
  for (let i = 0; i < mib; i++) if (!gzip.write(zeros)) await once(gzip, "drain");
  gzip.end();
  await once(gzip, "end");
  return Buffer.concat(parts);
}

const mib = Number(process.argv[2] ?? 460);
const bomb = await gzipBomb(mib);
const sent = new Map<string, number>();
const server = createServer((req, res) => {
  // The status and framing are the first path segments: /500/length/api/v2/auth/login.
  const [, code = "500", framing = "length"] = /^\/(\d{3})\/(\w+)\//.exec(req.url ?? "") ?? [];
  const status = Number(code);
  const key = `${status} ${framing}`;
  req.resume();
  let written = 0;
  res.on("close", () => sent.set(key, written));
  res.writeHead(status, {
    "content-type": "text/plain",
    "content-encoding": "gzip",
    ...(framing === "length" ? { "content-length": bomb.length } : {}),
  });
  // In 64 KiB pieces, so what was written before the client hung up can be counted.
  const write = (offset: number): void => {
    while (offset < bomb.length) {
      const piece = bomb.subarray(offset, offset + 65536);
      offset += piece.length;
      written += piece.length;
      if (!res.write(piece)) {
        res.once("drain", () => write(offset));
        return;
      }
    }
    res.end();
  };
  write(0);
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const child = fileURLToPath(new URL("./answer-bomb.child.ts", import.meta.url));
console.log(`gzip body: ${bomb.length} bytes on the wire, ${mib} MiB inflated`);
for (const status of [500, 200]) {
  for (const framing of ["length", "chunked"]) {
    const r = await runDaemonChild<BombResult>(child, [`${base}/${status}/${framing}/`]);
    console.log(
      `status ${status}, ${framing === "length" ? "Content-Length" : "chunked"}: RSS ${r.rssBeforeMB.toFixed(0)} MB before, ${r.rssAfterMB.toFixed(0)} MB after, peak ${r.maxRssMB.toFixed(0)} MB; read ${r.bytesRead ?? "?"} bytes from the socket (the server wrote ${sent.get(`${status} ${framing}`)}, much of it into kernel buffers); error: ${r.error}`,
    );
  }
}
server.close();

// GET a path of a local HTTP server as text, for the suites that run the real daemon.

import { request } from "node:http";

/** The body of GET http://127.0.0.1:PORT/PATH; fails after 60 s without an answer. */
export function localGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path, timeout: 60_000 }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve(body));
      res.on("error", reject);
    })
      .on("timeout", function (this: { destroy: (e: Error) => void }) {
        this.destroy(new Error(`GET ${path} took over 60 s`));
      })
      .on("error", reject)
      .end();
  });
}

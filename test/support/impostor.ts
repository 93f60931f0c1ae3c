// Test helper: a hostile HTTP server that logs in like qBittorrent and then answers whatever a test says.

import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A server that passes qBittorrent's login and version calls and answers maindata with `maindata()`. */
export interface Impostor {
  readonly url: string;
  /** What the next maindata requests get (raw body). */
  maindata: string;
  close(): Promise<void>;
}

/** Starts the impostor on a free loopback port. */
export async function startImpostor(maindata: string): Promise<Impostor> {
  const impostor = { maindata } as Impostor & { server: Server };
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/api/v2/auth/login")) {
      res.writeHead(200, { "set-cookie": "SID=impostor; HttpOnly; path=/" }).end("Ok.");
    } else if (req.url?.startsWith("/api/v2/app/version")) {
      res.end("v4.5.2");
    } else if (req.url?.startsWith("/api/v2/sync/maindata")) {
      res.writeHead(200, { "content-type": "application/json" }).end(impostor.maindata);
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  Object.assign(impostor, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  });
  return impostor;
}

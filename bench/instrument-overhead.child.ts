// One server of the instrument-overhead benchmark: node:http or Express, bare, with ours (--import) or with express-prom-bundle.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import promBundle from "express-prom-bundle";
import client from "prom-client";

/** What the parent asks for and what this process answers, over the fork IPC channel. */
export type ChildRequest = "mark";
export interface ChildMark {
  /** Requests the app's handler served so far. */
  readonly served: number;
  /** Requests the instrumentation recorded so far (histogram counts), or -1 without any. */
  readonly recorded: number;
  /** process.cpuUsage() in microseconds: user (our code, the app's, Node's) and system (mostly the network). */
  readonly userMicros: number;
  readonly systemMicros: number;
}

const [app = "node-http", instrumentation = "none"] = process.argv.slice(2);
let served = 0;

function body(id: string): string {
  return JSON.stringify({
    code: 0,
    msg: "ok",
    data: { id, name: `user ${id}`, roles: ["reader"] },
  });
}

let server: Server;
if (app === "node-http") {
  server = createServer((req, res) => {
    served++;
    const id = (req.url ?? "").slice("/users/".length);
    res.setHeader("content-type", "application/json");
    res.end(body(id));
  });
} else if (app === "express") {
  const expressApp = express();
  if (instrumentation === "express-prom-bundle") {
    expressApp.use(
      promBundle({
        includeMethod: true,
        includePath: true,
        includeStatusCode: true,
        promClient: {},
      }),
    );
  }
  expressApp.get("/users/:id", (req, res) => {
    served++;
    res.json(JSON.parse(body(req.params.id)));
  });
  server = createServer(expressApp);
} else {
  throw new Error(`unknown app ${app}`);
}

async function recorded(): Promise<number> {
  if (instrumentation === "seedwatch") {
    const { instrumentation: active } = await import("@seedwatch/instrument");
    const text = (await active()?.metrics()) ?? "";
    return sumOf(text, /^A123456789_inner_metrics_count\{[^}]*\} (\d+)$/gm);
  }
  if (instrumentation === "express-prom-bundle") {
    return sumOf(
      await client.register.metrics(),
      /^http_request_duration_seconds_count\{[^}]*\} (\d+)$/gm,
    );
  }
  return -1;
}

function sumOf(text: string, pattern: RegExp): number {
  let sum = 0;
  for (const match of text.matchAll(pattern)) sum += Number(match[1]);
  return sum;
}

process.on("message", (message: ChildRequest) => {
  if (message !== "mark") return;
  const cpu = process.cpuUsage();
  void recorded().then((count) => {
    const mark: ChildMark = {
      served,
      recorded: count,
      userMicros: cpu.user,
      systemMicros: cpu.system,
    };
    process.send?.(mark);
  });
});
process.on("disconnect", () => process.exit(0));
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});

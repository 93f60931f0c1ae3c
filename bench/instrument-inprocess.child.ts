// Our hooks' CPU per request in one process, without the network: a node:http app (or an http.request client) on in-memory sockets, our hooks switched on and off in turn.

import { writeFileSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import { Duplex } from "node:stream";
import { init } from "@seedwatch/instrument";
import { activate, current } from "../packages/instrument/src/runtime.ts";

/** What this child writes to its result file: CPU per request of each block, microseconds. */
export interface InProcessResult {
  readonly on: readonly number[];
  readonly off: readonly number[];
}

/** An inbound app answering JSON with a code or plain text, or calls to a listed partner. */
export type InProcessCase = "inbound-json" | "inbound-text" | "outbound-http";

const [kind = "inbound-json", blocksArg = "16", perArg = "20000", out = ""] = process.argv.slice(2);
const blocks = Number(blocksArg);
const per = Number(perArg);
const PARTNER_BODY = JSON.stringify({ code: 0, msg: "ok", data: { id: "7", roles: ["reader"] } });
const OPTIONS = {
  syscode: "A123456789",
  metricsPort: false as const,
  partners: { "partner.test": { partner: 7, paths: { "/ocr/front": 401 } } },
};

/** A socket that is only memory: what is written to it goes nowhere, or gets `answer`. */
class MemorySocket extends Duplex {
  readonly remoteAddress = "127.0.0.1";
  readonly remotePort = 40000;
  readonly encrypted = false;
  readonly connecting = false;
  readonly #answer: Buffer | undefined;

  constructor(answer?: Buffer) {
    super();
    this.#answer = answer;
  }

  override _read(): void {}

  override _write(_chunk: unknown, _encoding: unknown, callback: () => void): void {
    callback();
    const answer = this.#answer;
    if (answer !== undefined) setImmediate(() => this.push(answer));
  }

  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/** Serves `count` more requests, pipelined 100 at a time into one in-memory connection. */
function inboundRunner(text: boolean): (count: number) => Promise<void> {
  let served = 0;
  let goal = 0;
  let wake: (() => void) | undefined;
  const server = createServer((req, res) => {
    served++;
    if (text) {
      res.setHeader("content-type", "text/plain");
      res.end("hello world");
    } else {
      const id = (req.url ?? "").slice("/users/".length);
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({ code: 0, msg: "ok", data: { id, name: `user ${id}`, roles: ["reader"] } }),
      );
    }
    if (served === goal && wake !== undefined) {
      const done = wake;
      wake = undefined;
      setImmediate(done);
    }
  });
  const batch = Buffer.from(
    Array.from(
      { length: 100 },
      (_, i) =>
        `GET /users/${1000 + (i % 10)} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
        "Accept: application/json\r\n\r\n",
    ).join(""),
  );
  const socket = new MemorySocket();
  server.emit("connection", socket);
  return async (count) => {
    const until = served + count;
    while (served < until) {
      goal = served + 100;
      await new Promise<void>((resolve) => {
        wake = resolve;
        socket.push(batch);
      });
    }
  };
}

/** Makes `count` more calls to a listed partner, 8 in flight, each answered from memory. */
function outboundRunner(): (count: number) => Promise<void> {
  const answer = Buffer.from(
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(PARTNER_BODY)}\r\nConnection: keep-alive\r\n\r\n${PARTNER_BODY}`,
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  Object.assign(agent, {
    createConnection: () => {
      const socket = new MemorySocket(answer);
      setImmediate(() => socket.emit("connect"));
      return socket;
    },
  });
  const call = () =>
    new Promise<void>((resolve, reject) => {
      const req = request("http://partner.test/ocr/front", { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve());
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
  return async (count) => {
    let left = count;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (left-- > 0) await call();
      }),
    );
  };
}

const run = kind === "outbound-http" ? outboundRunner() : inboundRunner(kind === "inbound-text");
// Switched off, the hooks stay subscribed and return at once: what is measured is the work
// they do, not Node publishing the channels (which `--cpu-prof` puts at a few hundredths of a
// microsecond per request) nor the wrappers calling through.
init(OPTIONS);
const running = current();
const cpu = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};
// Warm both ways up before measuring.
await run(per);
activate(undefined);
await run(per);
const on: number[] = [];
const off: number[] = [];
for (let block = 0; block < 2 * blocks; block++) {
  // on, off, off, on, on, off...: each side comes first as often as the other.
  const active = (block + (block >> 1)) % 2 === 0;
  activate(active ? running : undefined);
  const started = cpu();
  await run(per);
  (active ? on : off).push((cpu() - started) / per);
}
const result: InProcessResult = { on, off };
writeFileSync(out, JSON.stringify(result));
process.exit(0);

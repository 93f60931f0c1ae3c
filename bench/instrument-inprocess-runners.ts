// The in-process benchmark's workloads: a node:http app, or http.request calls to a listed partner, on in-memory sockets.

import { Agent, createServer, request } from "node:http";
import { Duplex } from "node:stream";

/** An inbound app answering JSON with a code or plain text, or calls to a listed partner. */
export type InProcessCase = "inbound-json" | "inbound-text" | "outbound-http";

export const PARTNER_BODY = JSON.stringify({
  code: 0,
  msg: "ok",
  data: { id: "7", roles: ["reader"] },
});
/** The instrumentation options: a listed partner for the outbound case. */
export const OPTIONS = {
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
export function inboundRunner(text: boolean): (count: number) => Promise<void> {
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
export function outboundRunner(): (count: number) => Promise<void> {
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

/** The workload of `kind`: runs `count` more requests (or calls). */
export function runner(kind: string): (count: number) => Promise<void> {
  return kind === "outbound-http" ? outboundRunner() : inboundRunner(kind === "inbound-text");
}

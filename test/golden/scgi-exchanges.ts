// SCGI exchanges (rTorrent's XML-RPC): a recording proxy in front of a real rTorrent, and its replay.

import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { StandIn } from "./http-exchanges.ts";
import type { RecordingWriter } from "./recording.ts";
import type { ReplayScript } from "./replay-script.ts";

/**
 * Starts a proxy on loopback that relays each SCGI request to rTorrent at `upstream`
 * (`scgi://host:port`) and records the XML-RPC body with rTorrent's whole answer (its CGI
 * header lines included), as the bytes it sent.
 */
export async function startScgiRecorder(
  upstream: string,
  writer: RecordingWriter,
): Promise<StandIn> {
  const target = new URL(upstream);
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on("error", () => {});
    readRequest(socket)
      .then(async ({ raw, body }) => {
        const client = connect({ host: target.hostname, port: Number(target.port) });
        client.end(raw);
        const chunks: Buffer[] = [];
        for await (const chunk of client) chunks.push(chunk as Buffer);
        const answer = Buffer.concat(chunks);
        writer.add({ request: { body: body.toString("utf8") }, name: answerName(body), answer });
        socket.end(answer);
      })
      .catch(() => socket.destroy());
  });
  return listen(server);
}

/** Starts an SCGI server on loopback that answers each request with the next recorded answer, if it matches. */
export async function startScgiReplay(script: ReplayScript): Promise<StandIn> {
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on("error", () => {});
    readRequest(socket)
      .then(({ body }) => {
        const matched = script.match({ body: body.toString("utf8") });
        // rTorrent closes the connection without a word on what it cannot handle.
        socket.end(matched?.answer ?? Buffer.alloc(0));
      })
      .catch(() => socket.destroy());
  });
  return listen(server);
}

/**
 * Reads one SCGI request: the netstring of headers, then CONTENT_LENGTH bytes of body. (Not by
 * async iteration: leaving that loop would destroy the socket the answer goes back on.)
 */
function readRequest(socket: Socket): Promise<{ raw: Buffer; body: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const colon = buffered.indexOf(":");
      if (colon < 0) return;
      const headersEnd = colon + 1 + Number(buffered.subarray(0, colon).toString("latin1"));
      if (buffered.length <= headersEnd) return;
      const headers = buffered
        .subarray(colon + 1, headersEnd)
        .toString("latin1")
        .split("\0");
      const bodyStart = headersEnd + 1;
      const end = bodyStart + Number(headers[headers.indexOf("CONTENT_LENGTH") + 1]);
      if (buffered.length < end) return;
      socket.off("data", onData);
      socket.off("end", onEnd);
      const raw = buffered.subarray(0, end);
      resolve({ raw, body: raw.subarray(bodyStart) });
    };
    const onEnd = () => reject(new Error("the connection closed before a whole SCGI request"));
    socket.on("data", onData);
    socket.on("end", onEnd);
  });
}

/** `d.multicall2.xml`, `system.multicall.xml`: the method called. */
function answerName(body: Buffer): string {
  const method = /<methodName>([^<]*)<\/methodName>/.exec(body.toString("utf8"))?.[1] ?? "call";
  return `${method.replace(/[^A-Za-z0-9.]+/g, "-")}.xml`;
}

async function listen(server: Server): Promise<StandIn> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port assigned");
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return {
    url: `scgi://127.0.0.1:${address.port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

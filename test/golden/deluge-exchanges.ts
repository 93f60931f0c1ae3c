// Deluge daemon RPC exchanges: a recording TLS proxy in front of a real deluged, and its replay.

/*
 * What is recorded: each call's method, arguments and keyword arguments, and the daemon's answer
 * message as rencode bytes after zlib (byte for byte what deluged encoded). Not the frames as
 * they crossed the wire: their zlib stream is an artefact of the daemon's zlib version and
 * level, and the request id inside it would have to be rewritten, which means decompressing
 * anyway. The replay puts the asking request's id into the recorded message and frames it with
 * stored (uncompressed) deflate blocks, so the bytes a replay sends, and the received-bytes
 * counter they end up in, depend on nothing but the recording.
 */

import { once } from "node:events";
import { connect as connectTls, createServer, type Server, type TLSSocket } from "node:tls";
import { inflateSync } from "node:zlib";
import {
  type RencodeValue,
  rdecode,
  rencode,
} from "../../packages/exporter/src/sources/deluge/rencode.ts";
import type { StandIn } from "./http-exchanges.ts";
import type { ExchangeInput, RecordingWriter } from "./recording.ts";
import type { ReplayScript } from "./replay-script.ts";

/** A TLS key and certificate (PEM) for the stand-in's server side. */
export interface TlsIdentity {
  readonly key: Buffer;
  readonly cert: Buffer;
}

const HEADER_BYTES = 5;
const PROTOCOL_VERSION = 1;

/**
 * Starts a TLS proxy on loopback that relays every connection to deluged at `upstream`
 * (`deluge://host:port`), and records each call with the daemon's answer to it, in the order
 * the calls were sent.
 */
export async function startDelugeRecorder(
  upstream: string,
  writer: RecordingWriter,
  identity: TlsIdentity,
): Promise<StandIn> {
  const target = new URL(upstream);
  const server = createServer(identity, (socket) => {
    const daemon = connectTls({
      host: target.hostname,
      port: Number(target.port),
      rejectUnauthorized: false,
    });
    // Calls sent and not answered yet, by request id, each with its place in the recording.
    const waiting = new Map<
      number,
      { call: DecodedCall; record: (input: ExchangeInput) => void }
    >();
    const requests = frameReader((body) => {
      for (const call of decodeRequests(body))
        waiting.set(call.id, { call, record: writer.reserve() });
    });
    const answers = frameReader((body) => {
      const message = inflateSync(body);
      const id = messageId(message);
      const asked = id === undefined ? undefined : waiting.get(id);
      if (asked === undefined) return; // an event: nobody asked for it
      waiting.delete(asked.call.id);
      asked.record({
        request: describeCall(asked.call),
        name: `${asked.call.method}.rencode`,
        answer: message,
      });
    });
    socket.on("data", (chunk: Buffer) => {
      daemon.write(chunk);
      requests(chunk);
    });
    daemon.on("data", (chunk: Buffer) => {
      socket.write(chunk);
      answers(chunk);
    });
    const end = () => {
      socket.destroy();
      daemon.destroy();
    };
    for (const side of [socket, daemon]) {
      side.on("error", end);
      side.on("close", end);
    }
  });
  return listen(server);
}

/** Starts a TLS server on loopback that answers each call with the next recorded answer, if it matches. */
export async function startDelugeReplay(
  script: ReplayScript,
  identity: TlsIdentity,
): Promise<StandIn> {
  const server = createServer(identity, (socket) => {
    socket.on("error", () => {});
    const read = frameReader((body) => {
      for (const call of decodeRequests(body)) {
        const matched = script.match(describeCall(call));
        if (matched === undefined) {
          socket.destroy();
          return;
        }
        socket.write(storedFrame(withRequestId(matched.answer, call.id)));
      }
    });
    socket.on("data", (chunk: Buffer) => {
      try {
        read(chunk);
      } catch {
        // Not a request the stand-in can read: like a daemon, drop the connection.
        socket.destroy();
      }
    });
  });
  return listen(server);
}

interface DecodedCall {
  readonly id: number;
  readonly method: string;
  readonly args: RencodeValue;
  readonly kwargs: RencodeValue;
}

/** What identifies a call: its method and arguments (the id is the connection's business). */
function describeCall(call: DecodedCall): Record<string, unknown> {
  return { method: call.method, args: call.args, kwargs: call.kwargs };
}

/** The calls of one request frame: `((id, method, args, kwargs), …)` after zlib. */
function decodeRequests(body: Buffer): DecodedCall[] {
  const calls = rdecode(inflateSync(body));
  if (!Array.isArray(calls)) throw new Error("a request that is not a list of calls");
  return calls.map((call) => {
    const [id, method, args, kwargs] = call as [number, string, RencodeValue, RencodeValue];
    return { id, method, args, kwargs };
  });
}

/** Calls `onFrame` with the body of each whole `[version][u32 length][body]` frame in a byte stream. */
function frameReader(onFrame: (body: Buffer) => void): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0);
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= HEADER_BYTES) {
      const length = buffered.readUInt32BE(1);
      if (buffered.length < HEADER_BYTES + length) return;
      const body = buffered.subarray(HEADER_BYTES, HEADER_BYTES + length);
      buffered = buffered.subarray(HEADER_BYTES + length);
      onFrame(body);
    }
  };
}

/** The request id of a response or error message `(type, id, …)`; undefined for an event. */
function messageId(message: Buffer): number | undefined {
  const decoded = rdecode(message);
  if (!Array.isArray(decoded) || decoded[0] === 3) return undefined;
  return typeof decoded[1] === "number" ? decoded[1] : undefined;
}

/**
 * The recorded message `(type, id, …)` with another id, the rest byte for byte. A message is a
 * list (one header byte), a one-byte type, then the id (1, 2, 3 or 5 bytes by its type code).
 */
export function withRequestId(message: Buffer, id: number): Buffer {
  const code = message[2] as number;
  const idBytes = code < 0x2c ? 1 : code === 0x3e ? 2 : code === 0x3f ? 3 : code === 0x40 ? 5 : 0;
  if (idBytes === 0) throw new Error("a recorded message whose id is not a small integer");
  return Buffer.concat([message.subarray(0, 2), rencode(id), message.subarray(2 + idBytes)]);
}

/** A Deluge frame of `message` in zlib format with stored blocks: the same bytes with every zlib. */
export function storedFrame(message: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.of(0x78, 0x01)];
  let offset = 0;
  do {
    const block = message.subarray(offset, offset + 0xffff);
    offset += block.length;
    const head = Buffer.alloc(5);
    head[0] = offset >= message.length ? 1 : 0;
    head.writeUInt16LE(block.length, 1);
    head.writeUInt16LE(~block.length & 0xffff, 3);
    parts.push(head, block);
  } while (offset < message.length);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(adler32(message));
  parts.push(trailer);
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(HEADER_BYTES);
  header[0] = PROTOCOL_VERSION;
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

async function listen(server: Server): Promise<StandIn> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port assigned");
  const sockets = new Set<TLSSocket>();
  server.on("secureConnection", (socket: TLSSocket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return {
    url: `deluge://127.0.0.1:${address.port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

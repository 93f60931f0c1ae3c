// The Deluge daemon RPC client (deluge://host:58846): TLS, framed zlib(rencode) messages, login, calls by id.

import { readFileSync } from "node:fs";
import type { ConnectionOptions, TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { deflateSync, inflate } from "node:zlib";
import {
  describeUrl,
  SourceAuthError,
  SourceConnectionError,
  SourceProtocolError,
  SourceTimeoutError,
} from "../../net/errors.ts";
import { tls } from "../../net/node-builtins.ts";
import { TINY_ANSWER_BYTES } from "../answer-limits.ts";
import type { Credentials } from "../credentials.ts";
import {
  DelugeRemoteError,
  type DelugeTransport,
  type TransportRequestOptions,
  type TransportResult,
} from "./api.ts";
import { answerLimit, deflatedBound, EVENT_LIMIT } from "./call-limits.ts";
import { RencodeError, type RencodeValue, rdecode, rencode } from "./rencode.ts";

const inflateAsync = promisify(inflate);

/** Certificate checks. Deluge generates a self-signed certificate, so by default any is accepted. */
export interface DaemonTlsOptions {
  /** PEM file of the daemon's certificate (`<config>/ssl/daemon.cert`) to verify against. */
  readonly caFile?: string;
  /** SHA-256 fingerprint the daemon's certificate must have (`AB:CD:…` or plain hex). */
  readonly fingerprint256?: string;
}

/** Options of a daemon RPC client. */
export interface DaemonRpcOptions {
  /** `deluge://host:port` (port 58846 when omitted). */
  readonly url: string | URL;
  /** The account in deluged's `auth` file. */
  readonly credentials: Credentials;
  /** Sent as `client_version`; the daemon only requires that there is one. */
  readonly clientVersion?: string;
  readonly tls?: DaemonTlsOptions;
  /**
   * A ceiling on any compressed frame (default 128 MiB). Below it, a frame may be at most what
   * the answers of the calls waiting can weigh once compressed (see `answerLimit`).
   */
  readonly maxFrameBytes?: number;
  /**
   * A ceiling on any decompressed message (default 512 MiB). Below it, a message may be at most
   * the largest answer of the calls waiting (`answerLimit`): inflating stops there.
   */
  readonly maxMessageBytes?: number;
  /** Deepest nesting accepted in a message (default 100). */
  readonly maxDepth?: number;
  /**
   * Receives `RPC_EVENT`s (after a `daemon.set_event_interest` call), with the connection (diff
   * session, as `request` tells it) they came on: interest is per connection.
   */
  readonly onEvent?: (name: string, args: readonly RencodeValue[], session: number) => void;
}

/** Deluge's message types (`deluge/core/rpcserver.py`). */
const RPC_RESPONSE = 1;
const RPC_ERROR = 2;
const RPC_EVENT = 3;
/** `deluge/transfer.py`: `!BI` header, protocol version 1. */
const PROTOCOL_VERSION = 1;
const HEADER_BYTES = 5;
/** A list of one call, the call being a list of four items. */
const REQUEST_HEAD = Uint8Array.of(0xc1, 0xc4);
/** A list of three: every RPC_RESPONSE starts with it. */
const RESPONSE_HEAD = 0xc3;
const DEFAULT_PORT = 58846;
const DEFAULT_MAX_FRAME = 128 * 2 ** 20;
const DEFAULT_MAX_MESSAGE = 512 * 2 ** 20;
/** Errors Deluge raises for credentials and permissions (`deluge/error.py`). */
const AUTH_ERRORS = new Set(["BadLoginError", "AuthenticationRequired", "NotAuthorizedError"]);

interface Pending {
  readonly method: string;
  /** Largest answer accepted, decompressed. */
  readonly limit: number;
  readonly resultAsMap: boolean;
  readonly resolve: (value: RencodeValue) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One long-lived, dedicated connection to deluged (so `diff=True` is ours alone), opened and
 * logged in on the first call and again on the first call after it drops. Calls run
 * concurrently and are matched by request id. A call that times out, and any malformed frame,
 * closes the connection: the daemon may still answer (and advance its diff state) on it.
 * Errors are SourceErrors whose messages name the method and `deluge://host:port`, never
 * the password or the call's arguments.
 */
export class DaemonRpcClient implements DelugeTransport {
  readonly kind = "daemon";
  readonly dedicated = true;
  readonly endpoint: string;
  readonly #host: string;
  readonly #port: number;
  readonly #options: DaemonRpcOptions;
  readonly #tls: ConnectionOptions;
  #connection: Promise<Connection> | undefined;
  #sessions = 0;
  #bytesReceived = 0;
  #authLevel: number | undefined;
  #closed = false;

  constructor(options: DaemonRpcOptions) {
    const url = typeof options.url === "string" ? URL.parse(options.url) : options.url;
    if (url?.protocol !== "deluge:" || url.hostname === "") {
      throw new TypeError(
        `Deluge daemon URL must be deluge://host:port, got ${describeUrl(options.url)}`,
      );
    }
    this.#host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    this.#port = url.port === "" ? DEFAULT_PORT : Number(url.port);
    this.endpoint = `deluge://${url.host}${url.port === "" ? `:${DEFAULT_PORT}` : ""}`;
    this.#options = options;
    this.#tls = tlsOptions(options.tls);
  }

  /** Bytes received from the daemon so far (compressed, on the wire, TLS excluded). */
  get bytesReceived(): number {
    return this.#bytesReceived;
  }

  /** The auth level the daemon granted at the last login (undefined before the first). */
  get authLevel(): number | undefined {
    return this.#authLevel;
  }

  /**
   * Calls `method(*args, **kwargs)` on the daemon and resolves with its return value. Rejects
   * with SourceAuthError (bad credentials, auth level too low), SourceConnectionError,
   * SourceTimeoutError (when `signal` aborts), SourceProtocolError, or DelugeRemoteError when
   * the method itself raised.
   */
  async call(
    method: string,
    args: readonly RencodeValue[] = [],
    kwargs: Readonly<Record<string, RencodeValue>> = {},
    signal?: AbortSignal,
  ): Promise<RencodeValue> {
    return (await this.request(method, args, kwargs, signal)).result as RencodeValue;
  }

  /** `call`, also telling which connection (diff session) answered. */
  async request(
    method: string,
    args: readonly RencodeValue[],
    kwargs: Readonly<Record<string, RencodeValue>>,
    signal?: AbortSignal,
    options: TransportRequestOptions = {},
  ): Promise<TransportResult> {
    if (this.#closed) throw new SourceConnectionError(`${this.endpoint}: client closed`);
    const body = encodeRequest(this.endpoint, method, args, kwargs);
    throwIfAborted(this.endpoint, method, signal);
    const connection = await this.#connect(signal);
    const result = await connection.send(method, body, signal, options.resultAsMap ?? false);
    return { result, session: connection.session };
  }

  /** Closes the connection; the next call opens a new one (and a new diff session). */
  reset(): void {
    const current = this.#connection;
    this.#connection = undefined;
    void current?.then(
      (c) => c.destroy(new SourceConnectionError(`${this.endpoint}: connection reset`)),
      () => {},
    );
  }

  /** Closes the connection for good. */
  close(): void {
    this.#closed = true;
    this.reset();
  }

  #connect(signal: AbortSignal | undefined): Promise<Connection> {
    const existing = this.#connection;
    if (existing !== undefined) {
      return existing.then(
        (connection) => (connection.alive ? connection : this.#reconnect(existing, signal)),
        () => this.#reconnect(existing, signal),
      );
    }
    return this.#reconnect(undefined, signal);
  }

  #reconnect(stale: Promise<Connection> | undefined, signal: AbortSignal | undefined) {
    // Concurrent callers that saw the same dead connection share one new one.
    if (this.#connection !== stale && this.#connection !== undefined) return this.#connect(signal);
    const opening = this.#open(signal);
    this.#connection = opening;
    opening.catch(() => {
      if (this.#connection === opening) this.#connection = undefined;
    });
    return opening;
  }

  async #open(signal: AbortSignal | undefined): Promise<Connection> {
    const session = ++this.#sessions;
    const connection = await Connection.open({
      endpoint: this.endpoint,
      host: this.#host,
      port: this.#port,
      tls: this.#tls,
      pin: this.#options.tls?.fingerprint256,
      session,
      maxFrameBytes: this.#options.maxFrameBytes ?? DEFAULT_MAX_FRAME,
      maxMessageBytes: this.#options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE,
      maxDepth: this.#options.maxDepth ?? 100,
      onEvent: this.#options.onEvent,
      onBytes: (n) => {
        this.#bytesReceived += n;
      },
      signal,
    });
    const account = this.#options.credentials;
    try {
      const level = await connection.send(
        "daemon.login",
        encodeRequest(
          this.endpoint,
          "daemon.login",
          [account.username ?? "", account.revealPassword()],
          { client_version: this.#options.clientVersion ?? "seedwatch" },
        ),
        signal,
      );
      if (typeof level !== "number") {
        throw new SourceProtocolError(
          `${this.endpoint}: daemon.login answered ${typeof level}, expected an auth level`,
        );
      }
      if (level <= 0) {
        // The daemon drops the connection itself when an account's level is 0 (none).
        throw new SourceAuthError(
          `${this.endpoint}: daemon.login: account "${account.username ?? ""}" has auth level 0 (none)`,
        );
      }
      this.#authLevel = level;
      return connection;
    } catch (error) {
      connection.destroy(error as Error);
      throw error;
    }
  }
}

interface ConnectionSpec {
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly tls: ConnectionOptions;
  readonly pin: string | undefined;
  readonly session: number;
  readonly maxFrameBytes: number;
  readonly maxMessageBytes: number;
  readonly maxDepth: number;
  readonly onEvent: DaemonRpcOptions["onEvent"];
  readonly onBytes: (n: number) => void;
  readonly signal: AbortSignal | undefined;
}

/** One TLS connection: frames in and out, pending calls by id. Dies on the first failure. */
class Connection {
  readonly session: number;
  readonly #spec: ConnectionSpec;
  readonly #socket: TLSSocket;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #failure: Error | undefined;
  // Frame reassembly: whole chunks are kept and concatenated once per frame.
  #chunks: Buffer[] = [];
  #buffered = 0;
  #frameLength = -1;
  /** The decompressed size allowed for the frame being read (fixed when its header arrives). */
  #frameLimit = 0;
  // Frames are inflated off the main thread but handled in arrival order.
  #queue: Promise<void> = Promise.resolve();

  private constructor(spec: ConnectionSpec, socket: TLSSocket) {
    this.#spec = spec;
    this.session = spec.session;
    this.#socket = socket;
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", (error) => this.destroy(toConnectionError(spec.endpoint, error)));
    // Frames already received are still being inflated: let them answer their calls first.
    socket.on("close", () => {
      this.#queue = this.#queue.then(() =>
        this.destroy(
          new SourceConnectionError(`${spec.endpoint}: connection closed by the daemon`),
        ),
      );
    });
  }

  /** Opens the TLS connection; resolves once the handshake (and any pin check) passed. */
  static open(spec: ConnectionSpec): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = tls().connect({ ...spec.tls, host: spec.host, port: spec.port });
      socket.setNoDelay(true);
      const fail = (error: Error) => {
        cleanup();
        socket.destroy();
        reject(error);
      };
      const onError = (error: Error) => fail(toConnectionError(spec.endpoint, error));
      const onClose = () =>
        fail(new SourceConnectionError(`${spec.endpoint}: connection closed during TLS handshake`));
      const onAbort = () =>
        fail(timeoutError(spec.endpoint, "connect", spec.signal as AbortSignal));
      const cleanup = () => {
        socket.off("error", onError);
        socket.off("close", onClose);
        socket.off("secureConnect", onSecure);
        spec.signal?.removeEventListener("abort", onAbort);
      };
      const onSecure = () => {
        if (spec.pin !== undefined) {
          const actual = normalizeFingerprint(socket.getPeerCertificate().fingerprint256 ?? "");
          if (actual !== normalizeFingerprint(spec.pin)) {
            fail(
              new SourceConnectionError(
                `${spec.endpoint}: the daemon's certificate does not match tls.fingerprint256`,
              ),
            );
            return;
          }
        }
        cleanup();
        socket.setKeepAlive(true, 30_000);
        resolve(new Connection(spec, socket));
      };
      socket.once("error", onError);
      socket.once("close", onClose);
      socket.once("secureConnect", onSecure);
      spec.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  get alive(): boolean {
    return this.#failure === undefined;
  }

  /**
   * Sends one request (encoded by `encodeRequest`) and waits for its answer; with `resultAsMap`,
   * a dict result comes as a Map (see TransportRequestOptions).
   */
  send(method: string, request: Uint8Array, signal?: AbortSignal, resultAsMap = false) {
    return new Promise<RencodeValue>((resolve, reject) => {
      if (this.#failure !== undefined) {
        reject(this.#failure);
        return;
      }
      if (signal?.aborted) {
        reject(timeoutError(this.#spec.endpoint, method, signal));
        return;
      }
      const id = this.#nextId++;
      const onAbort = () => {
        // The daemon may still run the call and answer; this connection is no longer trusted.
        const error = timeoutError(this.#spec.endpoint, method, signal as AbortSignal);
        this.#pending.delete(id);
        reject(error);
        this.destroy(
          new SourceConnectionError(`${this.#spec.endpoint}: connection dropped after a timeout`),
        );
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => signal?.removeEventListener("abort", onAbort);
      this.#pending.set(id, {
        method,
        limit: answerLimit(method),
        resultAsMap,
        resolve: (value) => {
          done();
          resolve(value);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      const frame = frameOf(id, request);
      this.#socket.write(frame);
    });
  }

  /** Fails every pending call with `error` and closes the socket (idempotent). */
  destroy(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    this.#socket.destroy();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) call.reject(error);
  }

  #onData(chunk: Buffer): void {
    if (this.#failure !== undefined) return;
    this.#spec.onBytes(chunk.length);
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (this.#frameLength < 0) {
        if (this.#buffered < HEADER_BYTES) return;
        const head = this.#take(HEADER_BYTES);
        const version = head[0];
        const length = head.readUInt32BE(1);
        if (version !== PROTOCOL_VERSION) {
          this.#protocolError(
            `frame with protocol version ${version}, expected ${PROTOCOL_VERSION} (not a Deluge 2.x daemon?)`,
          );
          return;
        }
        // Only an answer to a call that is waiting (or a small event) can come: it bounds both
        // the compressed frame, refused before it is read, and the message, where inflating stops.
        const limit = Math.min(this.#waitingLimit(), this.#spec.maxMessageBytes);
        const maxFrame = Math.min(deflatedBound(limit), this.#spec.maxFrameBytes);
        if (length > maxFrame) {
          this.#protocolError(
            `frame of ${length} bytes exceeds the limit of ${maxFrame} bytes (compressed) for the calls waiting`,
          );
          return;
        }
        this.#frameLength = length;
        this.#frameLimit = limit;
      }
      if (this.#buffered < this.#frameLength) return;
      const body = this.#take(this.#frameLength);
      const limit = this.#frameLimit;
      this.#frameLength = -1;
      this.#queue = this.#queue.then(() => this.#onFrame(body, limit));
    }
  }

  #take(n: number): Buffer {
    const all =
      this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
    const taken = all.subarray(0, n);
    const rest = all.subarray(n);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return taken;
  }

  /** The largest answer any waiting call accepts (or an event, when we listen to events). */
  #waitingLimit(): number {
    let limit = this.#spec.onEvent === undefined ? TINY_ANSWER_BYTES : EVENT_LIMIT;
    for (const call of this.#pending.values()) limit = Math.max(limit, call.limit);
    return limit;
  }

  async #onFrame(body: Buffer, limit: number): Promise<void> {
    if (this.#failure !== undefined) return;
    let message: RencodeValue;
    try {
      const raw = await inflateAsync(body, { maxOutputLength: limit });
      const head = responseHead(raw);
      const call = head === undefined ? undefined : this.#pending.get(head.id);
      if (call !== undefined && raw.length > call.limit) {
        this.#protocolError(
          `${call.method}: answer of ${raw.length} bytes exceeds its limit of ${call.limit} bytes`,
        );
        return;
      }
      message = this.#decode(raw, head);
    } catch (error) {
      const what =
        error instanceof RencodeError
          ? error.message
          : (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE"
            ? `message larger than ${limit} bytes once decompressed (the limit for the calls waiting)`
            : `corrupt zlib data (${(error as NodeJS.ErrnoException).code ?? "inflate failed"})`;
      this.#protocolError(what, error);
      return;
    }
    this.#onMessage(message);
  }

  /** Decodes a message; the answer to a call that asked for it gets its result dict as a Map. */
  #decode(raw: Buffer, found: { id: number; resultAt: number } | undefined): RencodeValue {
    const maxDepth = this.#spec.maxDepth;
    const head = maxDepth > 0 ? found : undefined;
    if (head === undefined || this.#pending.get(head.id)?.resultAsMap !== true)
      return rdecode(raw, { maxDepth });
    // The result sits one level down in the message, so it gets one level less.
    const result = rdecode(raw.subarray(head.resultAt), {
      maxDepth: maxDepth - 1,
      dicts: "outer-map",
      smallDicts: "shared",
    });
    return [RPC_RESPONSE, head.id, result];
  }

  #onMessage(message: RencodeValue): void {
    if (!Array.isArray(message) || message.length < 3) {
      this.#protocolError("message is not a (type, id, …) tuple");
      return;
    }
    const [type, second] = message as readonly RencodeValue[];
    if (type === RPC_EVENT) {
      if (typeof second !== "string" || !Array.isArray(message[2])) {
        this.#protocolError("RPC_EVENT is not (3, name, args)");
        return;
      }
      this.#spec.onEvent?.(second, message[2] as readonly RencodeValue[], this.session);
      return;
    }
    if (typeof second !== "number") {
      this.#protocolError("message without a numeric request id");
      return;
    }
    const call = this.#pending.get(second);
    if (call === undefined) return; // an answer to a call that already timed out
    if (type === RPC_RESPONSE) {
      this.#pending.delete(second);
      call.resolve(message[2] as RencodeValue);
    } else if (type === RPC_ERROR) {
      this.#pending.delete(second);
      call.reject(remoteError(this.#spec.endpoint, call.method, message));
    } else {
      this.#protocolError(`message of unknown type ${String(type)}`);
    }
  }

  #protocolError(what: string, cause?: unknown): void {
    this.destroy(new SourceProtocolError(`${this.#spec.endpoint}: ${what}`, { cause }));
  }
}

/**
 * Encodes `((id, method, args, kwargs),)` up front without the id: `[0xC1, 0xC4]` (a list of
 * one list of four), then the id, then `method, args, kwargs` (`frameOf` puts the id in).
 */
function encodeRequest(
  endpoint: string,
  method: string,
  args: readonly RencodeValue[],
  kwargs: Readonly<Record<string, RencodeValue>>,
): Uint8Array {
  try {
    // A list of three starts with 0xC3; the rest is the three items.
    return rencode([method, args, kwargs]).subarray(1);
  } catch (error) {
    // Never the arguments themselves: daemon.login carries the password.
    throw new TypeError(
      `${endpoint}: ${method}: cannot encode the arguments (${(error as Error).message})`,
      { cause: error },
    );
  }
}

/**
 * The request id of an RPC_RESPONSE `(1, id, result)` and where its result starts, read without
 * decoding the result; undefined for any other message (which then decodes as a whole).
 */
function responseHead(raw: Uint8Array): { id: number; resultAt: number } | undefined {
  if (raw.length < 4 || raw[0] !== RESPONSE_HEAD || raw[1] !== RPC_RESPONSE) return undefined;
  // The id as rencode writes it: 0..43 in the type code itself, else int8, int16 or int32.
  const code = raw[2] as number;
  const length = code < 0x2c ? 1 : code === 0x3e ? 2 : code === 0x3f ? 3 : code === 0x40 ? 5 : 0;
  if (length === 0 || raw.length <= 2 + length) return undefined;
  const b = (i: number) => raw[3 + i] as number;
  // Big-endian two's complement, sign-extended by the shifts.
  const id =
    length === 1
      ? code
      : length === 2
        ? (b(0) << 24) >> 24
        : length === 3
          ? (((b(0) << 8) | b(1)) << 16) >> 16
          : (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
  return { id, resultAt: 2 + length };
}

function frameOf(id: number, rest: Uint8Array): Buffer {
  const body = deflateSync(Buffer.concat([REQUEST_HEAD, rencode(id), rest]));
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  frame[0] = PROTOCOL_VERSION;
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, HEADER_BYTES);
  return frame;
}

function remoteError(endpoint: string, method: string, message: readonly RencodeValue[]): Error {
  const type = typeof message[2] === "string" ? message[2] : "UnknownError";
  const args = Array.isArray(message[3]) ? (message[3] as readonly RencodeValue[]) : [];
  if (type === "NotAuthorizedError" && typeof args[0] === "number" && typeof args[1] === "number") {
    return new SourceAuthError(
      `${endpoint}: ${method}: the account's auth level ${args[0]} is below the ${args[1]} this call needs`,
    );
  }
  const text = typeof args[0] === "string" ? args[0] : String(args[0] ?? "");
  if (AUTH_ERRORS.has(type)) {
    return new SourceAuthError(`${endpoint}: ${method}: ${type}: ${text.slice(0, 200)}`);
  }
  return new DelugeRemoteError(endpoint, method, type, text);
}

function tlsOptions(options: DaemonTlsOptions | undefined): ConnectionOptions {
  if (options?.caFile !== undefined) {
    // Deluge's certificate names no host; trust the file's certificate, skip the name check.
    return {
      ca: readFileSync(options.caFile),
      rejectUnauthorized: true,
      checkServerIdentity: () => undefined,
      minVersion: "TLSv1.2",
    };
  }
  return { rejectUnauthorized: false, minVersion: "TLSv1.2" };
}

function normalizeFingerprint(text: string): string {
  return text.replaceAll(":", "").toLowerCase();
}

function throwIfAborted(endpoint: string, method: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw timeoutError(endpoint, method, signal);
}

function timeoutError(endpoint: string, method: string, signal: AbortSignal): SourceTimeoutError {
  const reason = signal.reason as Error | undefined;
  return new SourceTimeoutError(
    `${endpoint}: ${method}: ${reason?.name === "TimeoutError" ? "no answer in time" : "aborted"}`,
    { cause: reason },
  );
}

function toConnectionError(endpoint: string, error: Error): Error {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  // A TLS record layer that cannot parse what it got: the port speaks something else.
  if (
    /^ERR_SSL_(WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|RECORD_LAYER_FAILURE|UNEXPECTED_RECORD|HTTP_REQUEST|BAD_RECORD_TYPE|SSLV3_ALERT_UNEXPECTED_MESSAGE)/.test(
      code,
    )
  ) {
    return new SourceProtocolError(
      `${endpoint}: the port does not speak TLS like a Deluge daemon (${code})`,
      { cause: error },
    );
  }
  const hint = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
    ? " (check tls.ca_file, or drop it to accept Deluge's self-signed certificate)"
    : "";
  return new SourceConnectionError(`${endpoint}: ${code || error.message}${hint}`, {
    cause: error,
  });
}

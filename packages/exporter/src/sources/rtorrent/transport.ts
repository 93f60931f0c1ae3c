// How an XML-RPC request reaches rTorrent: the interface its transports (SCGI, HTTP) implement.

/** Carries one XML-RPC request body to rTorrent and brings back the response body. */
export interface RtorrentTransport {
  /** Where requests go, fit for messages and logs (no credentials). */
  readonly endpoint: string;
  /**
   * Sends one `methodCall` document and resolves with the raw `methodResponse` bytes, at most
   * `maxBytes` of them (default STATUS_ANSWER_BYTES; what a larger answer is refused with names
   * the limit). Rejects with SourceConnectionError, SourceTimeoutError (when `signal` aborts),
   * SourceProtocolError, SourceHttpError or SourceAuthError.
   */
  send(body: Buffer, signal: AbortSignal, maxBytes?: number): Promise<Buffer>;
  /**
   * Like `send`, but hands the response body to `onChunk` piece by piece as it arrives instead of
   * keeping it, so a 100 MB `d.multicall2` answer never sits in memory whole. Resolves once the
   * body is complete and checked; rejects as `send` does, or with what `onChunk` threw (the
   * response is then abandoned).
   */
  stream(body: Buffer, signal: AbortSignal, onChunk: (chunk: Buffer) => void): Promise<void>;
  /** Releases pooled connections. */
  close(): void;
}

// Bounds on an XML-RPC answer: its size, its nesting and how many values it holds.

/** Bounds applied while parsing a response. */
export interface XmlRpcLimits {
  /** Largest document accepted, in bytes (default 256 MiB). */
  readonly maxBytes?: number;
  /** Deepest nesting of arrays and structs (default 32, at most 1000). */
  readonly maxDepth?: number;
  /** Most `<value>` elements in one document (default 20 million). */
  readonly maxValues?: number;
}

/** Default bound on a response, shared by the transports (256 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 2 ** 20;
/** Default deepest nesting of arrays and structs. */
export const DEFAULT_MAX_DEPTH = 32;
/** Default most `<value>` elements in one document. */
export const DEFAULT_MAX_VALUES = 20_000_000;

// Reads a request body with a size bound, a media-type check, strict UTF-8 and strict JSON, for the action endpoints.

import type { IncomingMessage } from "node:http";
import { parseStrictJson, StrictJsonError } from "./strict-json.ts";

/** A body that cannot be used; `status` is the HTTP answer (400, 413 or 415). */
export class RequestBodyError extends Error {
  override name = "RequestBodyError";
  readonly status: 400 | 413 | 415;

  constructor(status: 400 | 413 | 415, message: string) {
    super(message);
    this.status = status;
  }
}

/** Bounds and types of one endpoint's body. */
export interface BodyOptions {
  /** Largest body in bytes. */
  readonly maxBytes: number;
  /** Accepted media types, lower case (`application/json`); anything else is a 415. */
  readonly types: readonly string[];
}

/** The media type of a `Content-Type` header, lower case, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** Whether a media type is JSON (`application/json`, `application/*+json`). */
function isJson(type: string): boolean {
  return type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * Reads the whole body as UTF-8 text. Refuses a wrong media type before reading, a declared
 * length over the bound before reading, and stops at the bound when the body is chunked. The
 * server's request timeout bounds how long a slow client may take. A JSON body (by its media
 * type) must be JSON that names no key twice in one object (400 otherwise): JSON.parse would
 * quietly keep the last of `{"dryRun":true,"dryRun":false}`.
 */
export async function readBody(req: IncomingMessage, options: BodyOptions): Promise<string> {
  const type = mediaType(req.headers["content-type"]);
  if (!options.types.includes(type)) {
    throw new RequestBodyError(
      415,
      `expected Content-Type ${options.types.join(" or ")}, got ${JSON.stringify(type.slice(0, 60) || "none")}`,
    );
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers["content-type"] ?? "")?.[1];
  if (charset !== undefined && charset.toLowerCase() !== "utf-8")
    throw new RequestBodyError(
      415,
      `expected charset utf-8, got ${JSON.stringify(charset.slice(0, 40))}`,
    );
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > options.maxBytes) {
    throw new RequestBodyError(413, `the body is larger than ${options.maxBytes} bytes`);
  }
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onGone);
      req.off("close", onGone);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= options.maxBytes) {
        chunks.push(chunk);
        return;
      }
      // Not destroyed: the caller still answers 413 (with Connection: close) on this socket.
      stop();
      req.pause();
      reject(new RequestBodyError(413, `the body is larger than ${options.maxBytes} bytes`));
    };
    const onEnd = () => {
      stop();
      let text: string;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
      } catch {
        reject(new RequestBodyError(400, "the body is not valid UTF-8"));
        return;
      }
      if (isJson(type)) {
        try {
          parseStrictJson(text);
        } catch (error) {
          if (!(error instanceof StrictJsonError)) throw error;
          reject(new RequestBodyError(400, error.message));
          return;
        }
      }
      resolve(text);
    };
    // Node reports a client that went away mid-body as an "aborted" error, or as a close.
    const onGone = () => {
      stop();
      reject(new RequestBodyError(400, "the client went away before sending the whole body"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onGone);
    req.on("close", onGone);
  });
}

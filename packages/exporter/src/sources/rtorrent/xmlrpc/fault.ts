// An XML-RPC fault: rTorrent's error answer, as an error, and the fault struct it comes in.

import { SourceProtocolError } from "../../../net/errors.ts";
import { clip, type XmlRpcStruct, type XmlRpcValue } from "./value.ts";

/** rTorrent answered with an XML-RPC fault (unknown method, unknown hash, bad target...). */
export class XmlRpcFaultError extends SourceProtocolError {
  override name = "XmlRpcFaultError";
  readonly faultCode: number;
  readonly faultString: string;
  constructor(faultCode: number, faultString: string, where: string) {
    super(`${where}: XML-RPC fault ${faultCode}: ${clip(faultString, 200)}`);
    this.faultCode = faultCode;
    this.faultString = faultString;
  }
}

/** The code and string of a fault struct, or undefined when the value is not one. */
export function asFault(value: XmlRpcValue): { code: number; message: string } | undefined {
  if (
    value === null ||
    typeof value !== "object" ||
    Array.isArray(value) ||
    Buffer.isBuffer(value)
  ) {
    return undefined;
  }
  const struct = value as XmlRpcStruct;
  const code = struct.faultCode;
  const message = struct.faultString;
  if (typeof code !== "number" || typeof message !== "string") return undefined;
  return { code, message };
}

// A `system.multicall` result, split into each call's value or fault.

import { SourceProtocolError } from "../../../net/errors.ts";
import { asFault, XmlRpcFaultError } from "./fault.ts";
import { describeValue, type XmlRpcValue } from "./value.ts";

/**
 * Splits a `system.multicall` result: each success is the one-element array `[value]`, each
 * failure a fault struct, which becomes an XmlRpcFaultError in its slot.
 */
export function multicallResults(
  value: XmlRpcValue,
  expected: number,
  where: string,
): (XmlRpcValue | XmlRpcFaultError)[] {
  if (!Array.isArray(value) || value.length !== expected) {
    throw new SourceProtocolError(
      `${where}: system.multicall returned ${describeValue(value)}, expected an array of ${expected}`,
    );
  }
  return (value as readonly XmlRpcValue[]).map((item, i) => {
    if (Array.isArray(item) && item.length === 1) return item[0] as XmlRpcValue;
    const fault = asFault(item);
    if (fault) return new XmlRpcFaultError(fault.code, fault.message, `${where} [${i}]`);
    throw new SourceProtocolError(
      `${where}: system.multicall item ${i} is ${describeValue(item)}, expected [value] or a fault`,
    );
  });
}

// Parser of /proc/net/dev: traffic counters of every network interface in our network namespace.

import { HostParseError, quote } from "./errors.ts";
import { fields, unsigned } from "./kernel-numbers.ts";

const FILE = "/proc/net/dev";

/** One interface's line of /proc/net/dev (the counters of `ip -s link`). */
export interface NetDevice {
  readonly name: string;
  readonly receiveBytes: number;
  readonly receivePackets: number;
  readonly receiveErrors: number;
  /** Dropped plus missed (`rx_dropped + rx_missed_errors`), as the kernel prints this column. */
  readonly receiveDrops: number;
  readonly receiveFifoErrors: number;
  /** Length, overrun, CRC and frame errors together. */
  readonly receiveFrameErrors: number;
  readonly receiveCompressed: number;
  readonly receiveMulticast: number;
  readonly transmitBytes: number;
  readonly transmitPackets: number;
  readonly transmitErrors: number;
  readonly transmitDrops: number;
  readonly transmitFifoErrors: number;
  readonly collisions: number;
  /** Carrier, aborted, window and heartbeat errors together. */
  readonly transmitCarrierErrors: number;
  readonly transmitCompressed: number;
}

const COLUMNS = [
  "receiveBytes",
  "receivePackets",
  "receiveErrors",
  "receiveDrops",
  "receiveFifoErrors",
  "receiveFrameErrors",
  "receiveCompressed",
  "receiveMulticast",
  "transmitBytes",
  "transmitPackets",
  "transmitErrors",
  "transmitDrops",
  "transmitFifoErrors",
  "collisions",
  "transmitCarrierErrors",
  "transmitCompressed",
] as const;

/**
 * Parses the text of /proc/net/dev: two header lines (recognised by their `|`), then
 * `<name>: <16 counters>`. Interface names cannot contain `:` or blanks, and old kernels
 * printed large counters right after the colon (`eth0:1234`), so the name ends at the first `:`.
 */
export function parseNetDev(text: string): NetDevice[] {
  const out: NetDevice[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.includes("|")) continue;
    const colon = line.indexOf(":");
    const name = colon < 0 ? "" : line.slice(0, colon).trim();
    if (name === "")
      throw new HostParseError(FILE, `expected "<interface>: <counters>", got ${quote(line)}`);
    const parts = fields(line.slice(colon + 1));
    if (parts.length !== COLUMNS.length) {
      throw new HostParseError(
        FILE,
        `expected ${COLUMNS.length} counters for ${name}, got ${parts.length}`,
      );
    }
    const device: Record<string, number | string> = { name };
    for (let i = 0; i < COLUMNS.length; i++) {
      const column = COLUMNS[i] as string;
      device[column] = unsigned(parts[i], FILE, `${column} of ${name}`);
    }
    out.push(device as unknown as NetDevice);
  }
  return out;
}

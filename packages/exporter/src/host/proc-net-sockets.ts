// Parsers of /proc/net/tcp{,6} and /proc/net/unix: the inodes of the sockets that listen on a port or a path.

import { HostParseError, quote } from "./errors.ts";
import { fields } from "./kernel-numbers.ts";

const TCP_LISTEN = "0A";
/** SS_UNCONNECTED with __SO_ACCEPTCON: a listening unix stream socket. */
const UNIX_LISTEN_FLAGS = 0x10000;

/**
 * Inodes of the TCP sockets in LISTEN state on `port` (any local address) in the text of
 * /proc/net/tcp or /proc/net/tcp6. Inode 0 (a socket being torn down) is skipped.
 */
export function tcpListenInodes(text: string, port: number, file = "/proc/net/tcp"): Set<string> {
  const inodes = new Set<string>();
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const columns = fields(lines[i] as string);
    if (columns.length === 0) continue;
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    const local = columns[1]?.split(":");
    const inode = columns[9];
    if (local?.length !== 2 || inode === undefined || !/^\d+$/.test(inode)) {
      throw new HostParseError(file, `expected a socket line, got ${quote(lines[i] as string)}`);
    }
    if (columns[3] !== TCP_LISTEN || inode === "0") continue;
    if (Number.parseInt(local[1] as string, 16) === port) inodes.add(inode);
  }
  return inodes;
}

/** Inodes of the unix sockets listening at `path` in the text of /proc/net/unix. */
export function unixListenInodes(text: string, path: string): Set<string> {
  const inodes = new Set<string>();
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    // Num RefCount Protocol Flags Type St Inode Path (the path may hold blanks: it is the rest).
    const columns = fields(lines[i] as string);
    if (columns.length < 8) continue;
    const flags = Number.parseInt(columns[3] as string, 16);
    const inode = columns[6] as string;
    if (!/^\d+$/.test(inode) || Number.isNaN(flags)) {
      throw new HostParseError(
        "/proc/net/unix",
        `expected a socket line, got ${quote(lines[i] as string)}`,
      );
    }
    if ((flags & UNIX_LISTEN_FLAGS) === 0) continue;
    if (columns.slice(7).join(" ") === path) inodes.add(inode);
  }
  return inodes;
}

// What Linux's /proc says about a process: the TCP ports it listens on, and its run state.

import { readdir, readFile, readlink } from "node:fs/promises";

const LISTEN = "0A";
const SOCKET_LINK = /^socket:\[(\d+)\]$/;

/**
 * The TCP ports (IPv4 and IPv6) that `pid` itself listens on: its socket descriptors matched
 * against the kernel's socket tables. Tells a daemon that bound its port from one whose port was
 * taken by another process that now answers in its place.
 */
export async function listeningPorts(pid: number): Promise<Set<number>> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    // A descriptor can close between readdir and readlink.
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
    const inode = SOCKET_LINK.exec(link)?.[1];
    if (inode !== undefined) inodes.add(inode);
  }
  const ports = new Set<number>();
  for (const table of ["tcp", "tcp6"]) {
    const text = await readFile(`/proc/${pid}/net/${table}`, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const columns = line.trim().split(/\s+/);
      if (columns[3] !== LISTEN || !inodes.has(columns[9] ?? "")) continue;
      const port = Number.parseInt(columns[1]?.split(":").at(-1) ?? "", 16);
      if (Number.isInteger(port)) ports.add(port);
    }
  }
  return ports;
}

/**
 * The one-letter state of `pid` (R running, S sleeping, T stopped, Z zombie, ...), from
 * /proc/<pid>/stat, or undefined when there is no such process.
 */
export async function processState(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat === undefined) return undefined;
  // The command name in parentheses may hold spaces and parentheses: the state follows the last ')'.
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

// The process of a torrent client on this machine: found from the client's PID or its listening socket, read from /proc.

import { readdir, readFile, readlink } from "node:fs/promises";
import { tcpListenInodes, unixListenInodes } from "../host/proc-net-sockets.ts";
import { parsePidStat } from "../host/proc-pid-stat.ts";
import { parsePidMemory } from "../host/proc-pid-status.ts";
import { parseStat } from "../host/proc-stat.ts";
import { USER_HZ } from "../host/sampler.ts";
import { isLocalHost } from "../net/local-address.ts";

/** What the process of a client uses, as ps and node_exporter's process collector read it. */
export interface ProcessFigures {
  readonly pid: number;
  /** User plus system CPU time. */
  readonly cpuSeconds: number;
  readonly residentBytes: number;
  readonly virtualBytes: number;
  /** When the process started, seconds since the epoch (btime plus its start ticks). */
  readonly startTimeSeconds: number;
}

/**
 * How a client's process is recognised: by the TCP port or unix socket it listens on, or (an
 * rTorrent behind a web server) by its PID alone with its command name as the check. `comm`
 * on a socket endpoint lets the PID the client gives stand when that process's descriptors are
 * not ours to read (another user's rTorrent), if its command name is that.
 */
export type ProcessEndpoint =
  | { readonly kind: "tcp"; readonly port: number; readonly comm?: string }
  | { readonly kind: "unix"; readonly path: string; readonly comm?: string }
  | { readonly kind: "pid"; readonly comm: string };

const DEFAULT_PORTS: Readonly<Record<string, number>> = { "http:": 80, "https:": 443 };

/** Whether a target URL names this machine (a unix socket, or a local host name or address). */
export function runsHere(url: string): boolean {
  const parsed = URL.parse(url);
  if (parsed === null) return false;
  return (parsed.protocol === "scgi:" && parsed.hostname === "") || isLocalHost(parsed.hostname);
}

/**
 * Where to look for a target's client on this machine, or undefined when it is not here (its
 * host is not a local address) or the URL names another process: deluge-web's port is
 * deluge-web's, not deluged's (the source names deluged's address instead); an rTorrent behind
 * a web server is found by `system.pid` only.
 */
export function processEndpoint(type: string, url: string): ProcessEndpoint | undefined {
  const parsed = URL.parse(url);
  if (parsed === null) return undefined;
  if (parsed.protocol === "scgi:" && parsed.hostname === "")
    return parsed.pathname === ""
      ? undefined
      : { kind: "unix", path: decodeURIComponent(parsed.pathname), comm: "rtorrent" };
  if (!isLocalHost(parsed.hostname)) return undefined;
  if (type === "deluge" && parsed.protocol !== "deluge:") return undefined;
  if (type === "rtorrent" && parsed.protocol !== "scgi:") return { kind: "pid", comm: "rtorrent" };
  const port = parsed.port === "" ? DEFAULT_PORTS[parsed.protocol] : Number(parsed.port);
  if (port === undefined) return undefined;
  return type === "rtorrent" ? { kind: "tcp", port, comm: "rtorrent" } : { kind: "tcp", port };
}

/** Options of a ClientProcess (tests point it at a fake /proc). */
export interface ClientProcessOptions {
  readonly procRoot?: string;
  /** How long a failed search waits before the next one, ms (default 60 s). */
  readonly searchEveryMs?: number;
  readonly now?: () => number;
}

interface Known {
  readonly pid: number;
  readonly startTicks: number;
}

/**
 * Finds and samples one client's process. The PID the client gives (rTorrent's `system.pid`) is
 * used when that process really holds the client's socket (a PID from another PID namespace, a
 * container's, would name some other process here); else the processes this user may read are
 * searched for the socket, at most once a minute while nothing is found. A found process is
 * known by its PID and start time together, so a PID reused by another process after the client
 * exits is never read as the client: the search starts again.
 */
export class ClientProcess {
  readonly endpoint: ProcessEndpoint;
  readonly #root: string;
  readonly #searchEveryMs: number;
  readonly #now: () => number;
  #known: Known | undefined;
  #lastSearchAt = Number.NEGATIVE_INFINITY;
  #lastHint: number | undefined;
  #bootTime: number | undefined;

  constructor(endpoint: ProcessEndpoint, options: ClientProcessOptions = {}) {
    this.endpoint = endpoint;
    this.#root = options.procRoot ?? "/proc";
    this.#searchEveryMs = options.searchEveryMs ?? 60_000;
    this.#now = options.now ?? performance.now.bind(performance);
  }

  /** The process's figures now, or undefined when it is not found (or no longer readable). */
  async sample(pidHint?: number): Promise<ProcessFigures | undefined> {
    if (this.#known !== undefined) {
      const figures = await this.#read(this.#known);
      if (figures !== undefined) return figures;
      this.#known = undefined;
      this.#lastSearchAt = Number.NEGATIVE_INFINITY;
    }
    const known = await this.#find(pidHint);
    if (known === undefined) return undefined;
    this.#known = known;
    return this.#read(known);
  }

  async #find(pidHint: number | undefined): Promise<Known | undefined> {
    const hintIsNew = pidHint !== undefined && pidHint !== this.#lastHint;
    const now = this.#now();
    if (!hintIsNew && now - this.#lastSearchAt < this.#searchEveryMs) return undefined;
    this.#lastHint = pidHint;
    this.#lastSearchAt = now;
    const endpoint = this.endpoint;
    if (endpoint.kind === "pid") {
      if (pidHint === undefined) return undefined;
      const stat = await this.#stat(pidHint);
      if (stat === undefined || !stat.comm.startsWith(endpoint.comm)) return undefined;
      return { pid: pidHint, startTicks: stat.startTicks };
    }
    const inodes = await this.#listenInodes(endpoint);
    if (inodes.size === 0) return undefined;
    const hinted = pidHint === undefined ? false : await this.#holds(pidHint, inodes);
    if (pidHint !== undefined && hinted === "unreadable" && endpoint.comm !== undefined) {
      const stat = await this.#stat(pidHint);
      if (stat === undefined || !stat.comm.startsWith(endpoint.comm)) return undefined;
      return { pid: pidHint, startTicks: stat.startTicks };
    }
    const candidates =
      pidHint !== undefined && hinted === true ? [pidHint] : await this.#holders(inodes);
    // Several holders (a forked child keeps the socket): the oldest is the client itself.
    let best: Known | undefined;
    for (const pid of candidates) {
      const stat = await this.#stat(pid);
      if (stat !== undefined && (best === undefined || stat.startTicks < best.startTicks))
        best = { pid, startTicks: stat.startTicks };
    }
    return best;
  }

  async #listenInodes(endpoint: ProcessEndpoint): Promise<Set<string>> {
    if (endpoint.kind === "unix") {
      const text = await this.#text("net/unix");
      return text === undefined ? new Set() : unixListenInodes(text, endpoint.path);
    }
    if (endpoint.kind !== "tcp") return new Set();
    const inodes = new Set<string>();
    for (const table of ["tcp", "tcp6"]) {
      const text = await this.#text(`net/${table}`);
      if (text !== undefined)
        for (const inode of tcpListenInodes(text, endpoint.port, `/proc/net/${table}`))
          inodes.add(inode);
    }
    return inodes;
  }

  /** PIDs (of the processes this user may read) holding one of `inodes`. */
  async #holders(inodes: ReadonlySet<string>): Promise<number[]> {
    const entries = await readdir(this.#root).catch(() => [] as string[]);
    const pids: number[] = [];
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      if ((await this.#holds(Number(entry), inodes)) === true) pids.push(Number(entry));
    }
    return pids;
  }

  /**
   * Whether `pid` holds one of `inodes`; "unreadable" when its descriptors are not ours to list
   * (another user's process) while it exists.
   */
  async #holds(pid: number, inodes: ReadonlySet<string>): Promise<boolean | "unreadable"> {
    const dir = `${this.#root}/${pid}/fd`;
    let fds: string[];
    try {
      fds = await readdir(dir);
    } catch (error) {
      // Gone meanwhile: not ours. Anything else (EACCES): there, but not readable.
      return (error as NodeJS.ErrnoException).code === "ENOENT" ? false : "unreadable";
    }
    for (const fd of fds) {
      const link = await readlink(`${dir}/${fd}`).catch(() => "");
      if (link.startsWith("socket:[") && inodes.has(link.slice(8, -1))) return true;
    }
    return false;
  }

  async #read(known: Known): Promise<ProcessFigures | undefined> {
    const stat = await this.#stat(known.pid);
    if (stat === undefined || stat.startTicks !== known.startTicks || stat.state === "Z")
      return undefined;
    const statusText = await this.#text(`${known.pid}/status`);
    const memory = statusText === undefined ? undefined : parsePidMemory(statusText);
    const boot = await this.#boot();
    if (memory === undefined || boot === undefined) return undefined;
    return {
      pid: known.pid,
      cpuSeconds: (stat.userTicks + stat.systemTicks) / USER_HZ,
      residentBytes: memory.residentBytes,
      virtualBytes: memory.virtualBytes,
      startTimeSeconds: boot + stat.startTicks / USER_HZ,
    };
  }

  async #stat(pid: number) {
    const text = await this.#text(`${pid}/stat`);
    return text === undefined ? undefined : parsePidStat(text);
  }

  async #boot(): Promise<number | undefined> {
    if (this.#bootTime === undefined) {
      const text = await this.#text("stat");
      this.#bootTime = text === undefined ? undefined : parseStat(text).bootTimeSeconds;
    }
    return this.#bootTime;
  }

  /** A /proc file's text, or undefined when it is gone or not ours to read. */
  #text(path: string): Promise<string | undefined> {
    return readFile(`${this.#root}/${path}`, "utf8").catch(() => undefined);
  }
}

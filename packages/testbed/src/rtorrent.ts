// A real rTorrent (Debian's 0.9.8) for tests: headless, loopback only, SCGI over TCP or a Unix socket.

import { mkdir, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { type Daemon, inTempDir, retryWhilePortsTaken, startDaemon } from "./daemon.ts";
import { restoreDir, type StateSnapshot, snapshotDir } from "./state-snapshot.ts";
import type { GeneratedTorrent } from "./torrents.ts";

/** How the test talks to rTorrent. */
export interface RtorrentOptions {
  /** `tcp`: `network.scgi.open_port` on 127.0.0.1; `unix`: `network.scgi.open_local`. */
  readonly transport: "tcp" | "unix";
  /** Extra rc lines, appended after the defaults. */
  readonly rcLines?: readonly string[];
  /**
   * Runs it as a user with this home runs `rtorrent`: its configuration in `<home>/.rtorrent.rc`
   * (no `-n -o`), HOME pointing there, which the caller owns and removes. Session and downloads
   * stay in the testbed's own directory.
   */
  readonly home?: string;
}

/**
 * Starts a second rTorrent from a copy of this snapshot (another instance's `snapshot()`): its
 * session (torrents, totals and custom fields as at the snapshot), download dir, transport and
 * rc lines, on a fresh SCGI port (or socket) and peer port.
 */
export interface RtorrentRestoreOptions {
  readonly fromSnapshot: RtorrentSnapshot;
}

/** A copy of a stopped rTorrent's session and download dirs, and how it was started. */
export interface RtorrentSnapshot extends StateSnapshot {
  readonly client: "rtorrent";
  readonly transport: "tcp" | "unix";
  readonly rcLines: readonly string[];
}

/** How to add torrents. */
export interface AddOptions {
  /** Start them (`load.raw_start`) instead of loading them stopped (`load.raw`). Default false. */
  readonly start?: boolean;
  /** Save path (`d.directory.set`); default: the download dir. Use a torrent's `payloadDir` to seed. */
  readonly directory?: string;
  /** ruTorrent label, stored URL-encoded in `d.custom1` as ruTorrent does. */
  readonly label?: string;
}

/** A running rTorrent. */
export interface RtorrentInstance {
  /** `scgi://127.0.0.1:PORT` or `scgi:///path/rpc.sock`. */
  readonly url: string;
  /** The SCGI port (tcp) or socket path (unix). */
  readonly scgi: { readonly port: number } | { readonly path: string };
  /** The peer port rTorrent listens on. */
  readonly peerPort: number;
  readonly sessionDir: string;
  readonly downloadDir: string;
  /** The current process (a new one after `restart()`). */
  readonly daemon: Daemon;
  /** Adds torrents with `load.raw(_start)` and post-load commands; resolves once all are listed. */
  addTorrents(torrents: readonly GeneratedTorrent[], options?: AddOptions): Promise<void>;
  /** Calls a method with string/number/Buffer params and returns the raw XML answer (throws on a fault). */
  call(method: string, ...params: readonly (string | number | Buffer)[]): Promise<string>;
  /** Stops the daemon (SIGTERM: it saves its session) and restarts it on the same dirs and port. */
  restart(): Promise<void>;
  /**
   * Stops the daemon (it saves its session), copies its directory, and starts it again on the
   * same dirs and port: a backup to start another instance from (`fromSnapshot`) later. The
   * copy is the caller's to `remove()`.
   */
  snapshot(): Promise<RtorrentSnapshot>;
  /** Stops the daemon and removes every file it used. */
  stop(): Promise<void>;
}

/**
 * Starts `rtorrent -n -o import=<rc>` (no ~/.rtorrent.rc; stdin from /dev/null; ncurses off with
 * `system.daemon.set`) in a temp dir: session dir, download dir, peers and SCGI on 127.0.0.1 only,
 * DHT, PEX and UDP trackers off. Talks to it with its own minimal SCGI client, so tests of the
 * exporter's client compare against an independent implementation. Starts again on fresh ports
 * if another process took one.
 */
export function startRtorrent(
  options: RtorrentOptions | RtorrentRestoreOptions,
): Promise<RtorrentInstance> {
  return retryWhilePortsTaken(() => inTempDir("rtorrent", (dir) => launchRtorrent(dir, options)));
}

async function launchRtorrent(
  dir: { path: string; remove(): Promise<void> },
  given: RtorrentOptions | RtorrentRestoreOptions,
): Promise<RtorrentInstance> {
  const snapshot = "fromSnapshot" in given ? given.fromSnapshot : undefined;
  if (snapshot !== undefined && snapshot.client !== "rtorrent") {
    throw new Error("fromSnapshot is not an rTorrent snapshot");
  }
  const options: RtorrentOptions = snapshot ?? (given as RtorrentOptions);
  const home = snapshot === undefined ? options.home : undefined;
  const sessionDir = join(dir.path, "session");
  const downloadDir = join(dir.path, "download");
  if (snapshot !== undefined) {
    await restoreDir(snapshot, dir.path, ["session"]);
  } else {
    await mkdir(sessionDir);
    await mkdir(downloadDir);
  }
  const peerPort = await freePort();
  const socketPath = join(dir.path, "rpc.sock");
  const scgi: { readonly port: number } | { readonly path: string } =
    options.transport === "unix" ? { path: socketPath } : { port: await freePort() };
  const url = "path" in scgi ? `scgi://${scgi.path}` : `scgi://127.0.0.1:${scgi.port}`;
  const rc = home === undefined ? join(dir.path, "rtorrent.rc") : join(home, ".rtorrent.rc");
  await writeFile(
    rc,
    [
      `session.path.set = ${sessionDir}`,
      `directory.default.set = ${downloadDir}`,
      "path" in scgi
        ? `network.scgi.open_local = ${scgi.path}`
        : `network.scgi.open_port = 127.0.0.1:${scgi.port}`,
      `network.port_range.set = ${peerPort}-${peerPort}`,
      "network.port_random.set = no",
      "network.bind_address.set = 127.0.0.1",
      "network.local_address.set = 127.0.0.1",
      "dht.mode.set = disable",
      "protocol.pex.set = no",
      "trackers.use_udp.set = no",
      "system.daemon.set = true",
      "network.xmlrpc.size_limit.set = 16M",
      ...(options.rcLines ?? []),
      "",
    ].join("\n"),
  );

  const call = (method: string, ...params: readonly (string | number | Buffer)[]) =>
    scgiCall(scgi, method, params);
  const launch = async (): Promise<Daemon> => {
    // A SIGKILLed rTorrent leaves its socket file behind, and then cannot bind it again.
    if ("path" in scgi) await rm(scgi.path, { force: true });
    return startDaemon({
      name: `rtorrent (${options.transport})`,
      command: "rtorrent",
      args: home === undefined ? ["-n", "-o", `import=${rc}`] : [],
      cwd: home ?? dir.path,
      env: { HOME: home ?? dir.path, TERM: "dumb" },
      ready: async () => (await call("system.client_version").catch(() => "")) !== "",
      listens: "port" in scgi ? [scgi.port] : [],
    });
  };
  let daemon = await launch();

  return {
    url,
    scgi,
    peerPort,
    sessionDir,
    downloadDir,
    get daemon() {
      return daemon;
    },
    call,
    async addTorrents(torrents, add = {}) {
      for (const torrent of torrents) {
        const commands = [`d.directory.set=${quoteArg(add.directory ?? downloadDir)}`];
        if (add.label !== undefined) {
          commands.push(`d.custom1.set=${quoteArg(encodeURIComponent(add.label))}`);
        }
        commands.push(`d.custom.set=addtime,${Math.floor(Date.now() / 1000)}`);
        await call(add.start ? "load.raw_start" : "load.raw", "", torrent.metainfo, ...commands);
      }
      const wanted = torrents.map((t) => t.infoHash.toUpperCase());
      await waitFor(
        `${torrents.length} torrents to be listed by rTorrent`,
        async () => {
          const listed = await call("download_list", "", "main");
          return wanted.every((hash) => listed.includes(`<string>${hash}</string>`))
            ? true
            : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 50 },
      );
    },
    async restart() {
      await daemon.stop(10_000);
      daemon = await launch();
    },
    async snapshot() {
      if (home !== undefined) throw new Error("snapshot() does not copy a home's configuration");
      await daemon.stop(10_000);
      const copy = await snapshotDir(dir.path, "rtorrent");
      try {
        daemon = await launch();
      } catch (error) {
        await copy.remove();
        throw error;
      }
      return {
        ...copy,
        client: "rtorrent",
        transport: options.transport,
        rcLines: [...(options.rcLines ?? [])],
      };
    },
    async stop() {
      try {
        await daemon.stop(10_000);
      } finally {
        await dir.remove();
      }
    },
  };
}

/** Quotes an argument of a post-load command as rTorrent's command parser reads it. */
function quoteArg(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** A deliberately small XML-RPC-over-SCGI call, independent of the exporter's client. */
function scgiCall(
  address: { readonly port: number } | { readonly path: string },
  method: string,
  params: readonly (string | number | Buffer)[],
): Promise<string> {
  const xmlParams = params
    .map((p) => {
      if (Buffer.isBuffer(p))
        return `<param><value><base64>${p.toString("base64")}</base64></value></param>`;
      if (typeof p === "number") return `<param><value><i8>${p}</i8></value></param>`;
      return `<param><value><string>${escapeXml(p)}</string></value></param>`;
    })
    .join("");
  const body = Buffer.from(
    `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${xmlParams}</params></methodCall>`,
  );
  const headers = Buffer.from(`CONTENT_LENGTH\0${body.length}\0SCGI\x001\0`);
  return new Promise((resolve, reject) => {
    const socket =
      "path" in address
        ? connect({ path: address.path })
        : connect({ host: "127.0.0.1", port: address.port });
    socket.setTimeout(30_000, () => socket.destroy(new Error(`rtorrent ${method}: timed out`)));
    const chunks: Buffer[] = [];
    socket.on("connect", () => {
      socket.write(
        Buffer.concat([Buffer.from(`${headers.length}:`), headers, Buffer.from(","), body]),
      );
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const xml = text.slice(text.indexOf("<?xml"));
      if (!text.startsWith("Status: 200")) reject(new Error(`rtorrent ${method}: no answer`));
      else if (xml.includes("<fault>")) reject(new Error(`rtorrent ${method}: fault ${xml}`));
      else resolve(xml);
      socket.destroy();
    });
  });
}

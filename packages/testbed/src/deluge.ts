// A real deluged (and optionally deluge-web) on loopback for tests, populated through Deluge's own Python codec.

import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { type Daemon, inTempDir, retryWhilePortsTaken, startDaemon } from "./daemon.ts";
import { restoreDir, type StateSnapshot, snapshotDir } from "./state-snapshot.ts";
import type { GeneratedTorrent } from "./torrents.ts";

/** Deluge's auth levels (`deluge/common.py`): 0 none, 1 read-only, 5 normal, 10 admin. */
export type DelugeAuthLevel = 0 | 1 | 5 | 10;

/** An extra line of the daemon's `auth` file. */
export interface DelugeAccount {
  readonly username: string;
  readonly password: string;
  /** Written as a number: Deluge 2.0.3 skips lines with named levels. */
  readonly level: DelugeAuthLevel;
}

/** How to start Deluge. */
export interface DelugeOptions {
  /** Daemon account (default "seedwatch"). */
  readonly username?: string;
  /** Its password (default: random). */
  readonly password?: string;
  /** Its auth level (default 10, admin). */
  readonly authLevel?: DelugeAuthLevel;
  /** More accounts, e.g. a read-only one. */
  readonly accounts?: readonly DelugeAccount[];
  /** Also start deluge-web, with the daemon in its host list (default false). */
  readonly withWeb?: boolean;
  /** deluge-web's password (default: random). */
  readonly webPassword?: string;
  /** deluge-web's `session_timeout` in seconds (default 3600). */
  readonly webSessionTimeout?: number;
  /** Enable the Label plugin (default true). */
  readonly labelPlugin?: boolean;
  /** Address for BitTorrent peers (default 127.0.0.1; another 127.x lets two instances trade). */
  readonly peerAddress?: string;
  /**
   * Runs it as a user with this home runs `deluged -d`: no `-c` or `-p`, its configuration in
   * `<home>/.config/deluge/` (core.conf, auth: deluged adds its `localclient` account there on
   * start), which the caller owns and removes. Downloads stay in the testbed's own directory.
   */
  readonly home?: string;
  /** More `core.conf` keys, merged over ours. */
  readonly config?: Readonly<Record<string, unknown>>;
  /**
   * Starts a second instance from a copy of this snapshot (another instance's `snapshot()`):
   * its config, accounts, torrents and resume data (totals as at the snapshot), and deluge-web
   * if it had one, on fresh daemon, peer and web ports. Takes no other option.
   */
  readonly fromSnapshot?: DelugeSnapshot;
}

/** A copy of a stopped deluged's config and downloads, and the options it was started with. */
export interface DelugeSnapshot extends StateSnapshot {
  readonly client: "deluge";
  /** The options of the original, passwords filled in. */
  readonly options: DelugeOptions;
  /** The testbed's own admin account in its auth file. */
  readonly admin: { readonly username: string; readonly password: string; readonly level: 10 };
}

/** Options of `addTorrents`. */
export interface AddTorrentOptions {
  /** Add paused (default false). */
  readonly paused?: boolean;
  /** Save path (default: the torrents' own payload directory, so they seed after checking). */
  readonly downloadLocation?: string;
  /** Label to create (if needed) and set; requires the Label plugin. */
  readonly label?: string;
}

/** One daemon RPC call for `rpc`. */
export interface DelugeCall {
  readonly method: string;
  readonly args?: readonly unknown[];
  readonly kwargs?: Readonly<Record<string, unknown>>;
}

/** A running Deluge. */
export interface DelugeInstance {
  /** `deluge://127.0.0.1:<daemon port>`. */
  readonly daemonUrl: string;
  /** `http://127.0.0.1:<web port>/` when started with `withWeb`. */
  readonly webUrl: string | undefined;
  readonly username: string;
  readonly password: string;
  readonly webPassword: string;
  readonly configDir: string;
  /** The core's default `download_location`. */
  readonly downloadDir: string;
  readonly daemonPort: number;
  /** BitTorrent listen port. */
  readonly peerPort: number;
  readonly peerAddress: string;
  /** The deluged process (a new one after `restart`). */
  readonly daemon: Daemon;
  /** The deluge-web process, if any. */
  readonly web: Daemon | undefined;
  /** Adds .torrent files with `core.add_torrent_file`; resolves to their torrent ids. */
  addTorrents(
    torrents: readonly GeneratedTorrent[],
    options?: AddTorrentOptions,
  ): Promise<string[]>;
  /**
   * Runs calls in order on one connection made by Deluge's own Python codec (independent of
   * Seedwatch's client) as the admin account; resolves to their results, JSON-converted.
   * `port` connects to another port of 127.0.0.1 instead of the daemon's (a proxy in front of it).
   */
  rpc(calls: readonly DelugeCall[], options?: { readonly port?: number }): Promise<unknown[]>;
  /** Stops deluged gracefully (it saves resume data) and starts it again on the same port. */
  restart(): Promise<void>;
  /**
   * Stops deluged (it saves its state and resume data), copies its directory, and starts it
   * again on the same port: a backup to start another instance from (`fromSnapshot`) later.
   * The copy is the caller's to `remove()`.
   */
  snapshot(): Promise<DelugeSnapshot>;
  /**
   * Stops deluge-web and starts it again. It keeps its login sessions in web.conf (and 2.0.3
   * never expires them itself); `forgetSessions` empties them, as an expiry would.
   */
  restartWeb(options?: { readonly forgetSessions?: boolean }): Promise<void>;
  /** Stops everything and removes the config directory. */
  stop(): Promise<void>;
}

/*
 * Talks to deluged with Python's ssl + zlib + rencode (python3-rencode, which deluged depends
 * on): one frame per call, `[1][u32 length][zlib(rencode(((id, method, args, kwargs),)))]`.
 * Reads JSON {host, port, username, password, calls} on stdin, prints a JSON list of results.
 */
const PYTHON_CLIENT = String.raw`
import json, socket, ssl, struct, sys, zlib, rencode
req = json.load(sys.stdin)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
sock = ctx.wrap_socket(socket.create_connection((req["host"], req["port"]), timeout=60))
def read(n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise SystemExit("connection closed by deluged")
        buf += chunk
    return buf
def call(rid, method, args, kwargs):
    body = zlib.compress(rencode.dumps(((rid, method, tuple(args), kwargs),)))
    sock.sendall(struct.pack("!BI", 1, len(body)) + body)
    while True:
        version, length = struct.unpack("!BI", read(5))
        msg = rencode.loads(zlib.decompress(read(length)), decode_utf8=True)
        if msg[0] == 3 or msg[1] != rid:
            continue
        if msg[0] == 2:
            sys.stderr.write("%s: %s: %s\n" % (method, msg[2], msg[3]))
            sys.exit(2)
        return msg[2]
call(0, "daemon.login", [req["username"], req["password"]], {"client_version": "testbed"})
results = []
for i, c in enumerate(req["calls"]):
    results.append(call(i + 1, c["method"], c.get("args", []), c.get("kwargs", {})))
print(json.dumps(results, default=repr))
`;

/**
 * Starts deluged on free loopback ports in a temp config dir with `core.conf` (queues off,
 * DHT/UPnP/NAT-PMP/LSD off, no `-L`: Debian 12's Deluge 2.0.3 crashes in its logger above
 * `error`) and an `auth` file with numeric levels; optionally deluge-web with its own password
 * and a host list holding this daemon (plus an unreachable decoy, so a client must pick).
 * Starts again on fresh ports if another process took one.
 */
export function startDeluged(options: DelugeOptions = {}): Promise<DelugeInstance> {
  return retryWhilePortsTaken(() => inTempDir("deluge", (dir) => start(dir, options)));
}

async function start(
  dir: { path: string; remove(): Promise<void> },
  given: DelugeOptions,
): Promise<DelugeInstance> {
  const snapshot = given.fromSnapshot;
  if (snapshot !== undefined) {
    if (snapshot.client !== "deluge") throw new Error("fromSnapshot is not a Deluge snapshot");
    const others = Object.keys(given).filter(
      (key) => key !== "fromSnapshot" && given[key as keyof DelugeOptions] !== undefined,
    );
    if (others.length > 0) {
      throw new Error(`fromSnapshot takes no other option (got ${others.join(", ")})`);
    }
  }
  const options = snapshot?.options ?? given;
  const home = options.home;
  if (home !== undefined && snapshot !== undefined)
    throw new Error("fromSnapshot and home do not go together");
  const configDir = home === undefined ? join(dir.path, "config") : join(home, ".config", "deluge");
  const downloadDir = join(dir.path, "downloads");
  const username = options.username ?? "seedwatch";
  const password = options.password ?? randomBytes(12).toString("hex");
  const webPassword = options.webPassword ?? randomBytes(12).toString("hex");
  const peerAddress = options.peerAddress ?? "127.0.0.1";
  const labelPlugin = options.labelPlugin ?? true;
  const daemonPort = await freePort();
  const peerPort = await freePort(peerAddress);
  // The testbed's own admin account, for `rpc` and `addTorrents`.
  const admin = snapshot?.admin ?? {
    username: "testbed",
    password: randomBytes(12).toString("hex"),
    level: 10 as const,
  };
  if (snapshot !== undefined) {
    await restoreDir(snapshot, dir.path, ["config"]);
    const file = join(configDir, "core.conf");
    const { version, config } = splitDelugeConfig(await readFile(file, "utf8"));
    const core = { ...config, daemon_port: daemonPort, listen_ports: [peerPort, peerPort] };
    await writeFile(file, `${version}${JSON.stringify(core)}`);
  } else {
    await mkdir(configDir, { recursive: true });
    await mkdir(downloadDir, { recursive: true });
    const core = {
      daemon_port: daemonPort,
      allow_remote: false,
      download_location: downloadDir,
      listen_ports: [peerPort, peerPort],
      random_port: false,
      listen_interface: peerAddress,
      outgoing_interface: peerAddress,
      dht: false,
      upnp: false,
      natpmp: false,
      utpex: false,
      lsd: false,
      max_active_seeding: -1,
      max_active_downloading: -1,
      max_active_limit: -1,
      new_release_check: false,
      enabled_plugins: labelPlugin ? ["Label"] : [],
      ...options.config,
    };
    await writeFile(
      join(configDir, "core.conf"),
      `{"file": 1, "format": 1}${JSON.stringify(core)}`,
    );
    const accounts = [
      { username, password, level: options.authLevel ?? 10 },
      ...(options.accounts ?? []),
    ];
    const authLines = [...accounts, admin].map((a) => `${a.username}:${a.password}:${a.level}`);
    await writeFile(join(configDir, "auth"), `${authLines.join("\n")}\n`, { mode: 0o600 });
  }

  const launchDaemon = () =>
    startDaemon({
      name: "deluged",
      command: "deluged",
      args: home === undefined ? ["-d", "-c", configDir, "-p", String(daemonPort)] : ["-d"],
      env:
        home === undefined
          ? { HOME: dir.path }
          : { HOME: home, XDG_CONFIG_HOME: join(home, ".config") },
      ready: () => canConnect(daemonPort),
      listens: [daemonPort],
    });
  let daemon = await launchDaemon();

  const rpc = (calls: readonly DelugeCall[], via: { readonly port?: number } = {}) =>
    runPython({ host: "127.0.0.1", port: via.port ?? daemonPort, ...admin, calls });
  const pluginReady = async () => {
    if (!labelPlugin) return;
    await waitFor("the Label plugin to load", async () => {
      const [plugins] = (await rpc([{ method: "core.get_enabled_plugins" }])) as [string[]];
      return plugins.includes("Label") ? true : undefined;
    });
  };
  let webSetup: { port: number; launch: () => Promise<Daemon> } | undefined;
  let web: Daemon | undefined;
  try {
    await pluginReady();
    if (options.withWeb) {
      webSetup = await prepareWeb(dir.path, configDir, daemonPort, username, password, {
        webPassword,
        sessionTimeout: options.webSessionTimeout ?? 3600,
      });
      web = await webSetup.launch();
    }
  } catch (error) {
    await daemon.stop();
    throw error;
  }

  return {
    daemonUrl: `deluge://127.0.0.1:${daemonPort}`,
    webUrl: webSetup ? `http://127.0.0.1:${webSetup.port}/` : undefined,
    username,
    password,
    webPassword,
    configDir,
    downloadDir,
    daemonPort,
    peerPort,
    peerAddress,
    get daemon() {
      return daemon;
    },
    get web() {
      return web;
    },
    rpc,
    async addTorrents(torrents, add = {}) {
      const calls: DelugeCall[] = torrents.map((t) => ({
        method: "core.add_torrent_file",
        args: [
          `${t.name}.torrent`,
          t.metainfo.toString("base64"),
          {
            add_paused: add.paused ?? false,
            download_location: add.downloadLocation ?? t.payloadDir,
          },
        ],
      }));
      const ids = (await rpc(calls)) as string[];
      if (add.label !== undefined) {
        const [labels] = (await rpc([{ method: "label.get_labels" }])) as [string[]];
        const label = add.label.toLowerCase();
        await rpc([
          ...(labels.includes(label) ? [] : [{ method: "label.add", args: [label] }]),
          ...ids.map((id) => ({ method: "label.set_torrent", args: [id, label] })),
        ]);
      }
      return ids;
    },
    async restart() {
      await daemon.stop(15_000);
      daemon = await launchDaemon();
      await pluginReady();
    },
    async snapshot() {
      if (home !== undefined) throw new Error("snapshot() does not copy a home's configuration");
      await daemon.stop(15_000);
      const copy = await snapshotDir(dir.path, "deluge");
      try {
        daemon = await launchDaemon();
        await pluginReady();
      } catch (error) {
        await copy.remove();
        throw error;
      }
      const resolved = { ...options, username, password, webPassword, fromSnapshot: undefined };
      return { ...copy, client: "deluge", options: resolved, admin };
    },
    async restartWeb(restart = {}) {
      if (webSetup === undefined) throw new Error("deluge-web was not started (withWeb)");
      await web?.stop();
      if (restart.forgetSessions) await forgetWebSessions(configDir);
      web = await webSetup.launch();
    },
    async stop() {
      await web?.stop();
      await daemon.stop(15_000);
      await dir.remove();
    },
  };
}

/** Writes web.conf and hostlist.conf; returns the port and a function that starts deluge-web. */
async function prepareWeb(
  home: string,
  configDir: string,
  daemonPort: number,
  username: string,
  password: string,
  options: { webPassword: string; sessionTimeout: number },
): Promise<{ port: number; launch: () => Promise<Daemon> }> {
  const port = await freePort();
  const salt = randomBytes(20).toString("hex");
  const web = {
    port,
    interface: "127.0.0.1",
    pwd_salt: salt,
    pwd_sha1: createHash("sha1").update(salt).update(options.webPassword).digest("hex"),
    session_timeout: options.sessionTimeout,
    default_daemon: "",
    first_login: false,
  };
  await writeFile(join(configDir, "web.conf"), `{"file": 2, "format": 1}${JSON.stringify(web)}`);
  // The decoy comes first: a client that connects to the first host reaches nothing.
  const decoyPort = await freePort();
  const hosts = {
    hosts: [
      [randomBytes(16).toString("hex"), "127.0.0.1", decoyPort, "nobody", "nothing"],
      [randomBytes(16).toString("hex"), "127.0.0.1", daemonPort, username, password],
    ],
  };
  await writeFile(
    join(configDir, "hostlist.conf"),
    `{"file": 3, "format": 1}${JSON.stringify(hosts)}`,
  );
  const launch = () =>
    startDaemon({
      name: "deluge-web",
      command: "deluge-web",
      args: ["-d", "-c", configDir, "-p", String(port), "-i", "127.0.0.1"],
      env: { HOME: home },
      ready: () => canConnect(port),
      listens: [port],
    });
  return { port, launch };
}

/** A Deluge config file's text: the version object, then the config object. */
function splitDelugeConfig(text: string): { version: string; config: Record<string, unknown> } {
  const split = text.indexOf("}{");
  if (split < 0) throw new Error("not a Deluge config file (a version object, then the config)");
  return {
    version: text.slice(0, split + 1),
    config: JSON.parse(text.slice(split + 1)) as Record<string, unknown>,
  };
}

/** Rewrites web.conf (a version object, then the config object) with no sessions. */
async function forgetWebSessions(configDir: string): Promise<void> {
  const file = join(configDir, "web.conf");
  const text = await readFile(file, "utf8");
  const split = text.indexOf("}{");
  const config = JSON.parse(split < 0 ? text : text.slice(split + 1)) as Record<string, unknown>;
  config.sessions = {};
  await writeFile(file, `${split < 0 ? "" : text.slice(0, split + 1)}${JSON.stringify(config)}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function runPython(request: {
  host: string;
  port: number;
  username: string;
  password: string;
  calls: readonly DelugeCall[];
}): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "/usr/bin/python3",
      ["-c", PYTHON_CLIENT],
      { timeout: 120_000, maxBuffer: 64 * 2 ** 20 },
      (error, stdout, stderr) => {
        if (error) {
          const calls = request.calls.map((c) => c.method).join(", ");
          reject(new Error(`deluged rpc (${calls}) failed: ${stderr.trim() || error.message}`));
          return;
        }
        resolve(JSON.parse(stdout) as unknown[]);
      },
    );
    child.stdin?.end(JSON.stringify(request));
  });
}

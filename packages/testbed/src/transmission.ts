// Debian's real transmission-daemon on loopback, with its own config dir, for contract and end-to-end tests.

import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { type Daemon, retryWhilePortsTaken, startDaemon, tempDir } from "./daemon.ts";
import { restoreDir, type StateSnapshot, snapshotDir } from "./state-snapshot.ts";
import type { GeneratedTorrent } from "./torrents.ts";

/** How to start Transmission. */
export interface TransmissionOptions {
  /** RPC user (default "admin"). */
  readonly username?: string;
  /** RPC password (default: random). */
  readonly password?: string;
  /** Require HTTP Basic auth on the RPC (default true). */
  readonly auth?: boolean;
  /**
   * Runs it as a user with this home runs `transmission-daemon`: no `-g`, its settings in
   * `<home>/.config/transmission-daemon/settings.json` (HOME and XDG_CONFIG_HOME point into the
   * home), which the caller owns and removes. Downloads stay in the testbed's own directory.
   */
  readonly home?: string;
  /** Extra settings.json keys, merged over the testbed's. */
  readonly extraSettings?: Readonly<Record<string, unknown>>;
  /**
   * Starts a second instance from a copy of this snapshot (another instance's `snapshot()`):
   * its settings, torrents and resume files (totals as at the snapshot) and account, on fresh
   * RPC and peer ports. Takes no other option.
   */
  readonly fromSnapshot?: TransmissionSnapshot;
}

/** A copy of a stopped Transmission's config and downloads, and what it takes to call its RPC. */
export interface TransmissionSnapshot extends StateSnapshot {
  readonly client: "transmission";
  readonly username: string;
  readonly password: string;
  readonly auth: boolean;
}

/** Options of `addTorrents`, as `torrent-add` (and `torrent-set` for labels) take them. */
export interface TransmissionAddOptions {
  readonly paused?: boolean;
  /** Where the payload is or goes (default: the instance's `downloadDir`). */
  readonly downloadDir?: string;
  readonly labels?: readonly string[];
}

/** What `torrent-add` answers for one torrent. */
export interface TransmissionAdded {
  readonly id: number;
  readonly hashString: string;
  readonly name: string;
}

/** A running transmission-daemon. */
export interface Transmission {
  /** The RPC endpoint, `http://127.0.0.1:<port>/transmission/rpc`. */
  readonly url: string;
  readonly rpcPort: number;
  /** BitTorrent listening port (TCP; uTP is off). */
  readonly peerPort: number;
  readonly username: string;
  readonly password: string;
  /** The `-g` config dir (settings.json, torrents/, resume/). */
  readonly configDir: string;
  /** Default download dir. */
  readonly downloadDir: string;
  /** The current process (a new one after `restart`). */
  readonly daemon: Daemon;
  /**
   * Calls an RPC method (with the 409 session-id dance and Basic auth) and returns its
   * `arguments`; throws when `result` is not "success". How tests read what Transmission says.
   */
  rpc<T = Record<string, unknown>>(method: string, args?: Record<string, unknown>): Promise<T>;
  /**
   * Adds torrents, waits until Transmission has checked them for existing data (status no longer
   * 1 or 2), then sets their labels; resolves with what Transmission answered for each.
   */
  addTorrents(
    torrents: readonly GeneratedTorrent[],
    options?: TransmissionAddOptions,
  ): Promise<TransmissionAdded[]>;
  /** Stops Transmission (letting it save its state) and removes its directory. */
  stop(): Promise<void>;
  /** Stops and starts it again with the same config dir and ports (torrent ids change). */
  restart(): Promise<void>;
  /**
   * Stops Transmission (it saves its resume files), copies its directory, and starts it again
   * with the same config and ports: a backup to start another instance from (`fromSnapshot`)
   * later. The copy is the caller's to `remove()`.
   */
  snapshot(): Promise<TransmissionSnapshot>;
}

const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;
const RPC_PATH = "/transmission/rpc";

/**
 * Writes settings.json and starts `transmission-daemon -f` on 127.0.0.1 with DHT, LPD, PeX, uTP,
 * port mapping and the download queue off, then waits until the RPC answers. Transmission 3.00
 * never connects to peers on 127.x addresses, so it cannot join a loopback swarm; use it for
 * torrents, states, labels and trackers. Starts again on fresh ports if another process took one.
 */
export function startTransmission(options: TransmissionOptions = {}): Promise<Transmission> {
  return retryWhilePortsTaken(() => launchTransmission(options));
}

async function launchTransmission(options: TransmissionOptions): Promise<Transmission> {
  const snapshot = options.fromSnapshot;
  if (snapshot !== undefined) {
    if (snapshot.client !== "transmission") {
      throw new Error("fromSnapshot is not a Transmission snapshot");
    }
    const others = Object.keys(options).filter(
      (key) => key !== "fromSnapshot" && options[key as keyof TransmissionOptions] !== undefined,
    );
    if (others.length > 0) {
      throw new Error(`fromSnapshot takes no other option (got ${others.join(", ")})`);
    }
  }
  const username = snapshot?.username ?? options.username ?? "admin";
  const password = snapshot?.password ?? options.password ?? randomBytes(12).toString("hex");
  const auth = snapshot?.auth ?? options.auth ?? true;
  if (!USERNAME.test(username)) {
    throw new Error("username must be 1-64 characters of A-Z, a-z, 0-9, _, . or -");
  }
  if (typeof password !== "string" || password.length === 0) {
    throw new Error("password must be a non-empty string");
  }
  const home = options.home;
  if (home !== undefined && snapshot !== undefined)
    throw new Error("fromSnapshot and home do not go together");
  const dir = await tempDir("transmission");
  const configDir =
    home === undefined ? join(dir.path, "config") : join(home, ".config", "transmission-daemon");
  const downloadDir = join(dir.path, "downloads");
  try {
    const rpcPort = await freePort();
    const peerPort = await freePort();
    let settings: Record<string, unknown>;
    if (snapshot !== undefined) {
      // Transmission saved every setting (the password hashed); only the ports change.
      await restoreDir(snapshot, dir.path, ["config"]);
      const saved = JSON.parse(await readFile(join(configDir, "settings.json"), "utf8"));
      settings = { ...saved, "rpc-port": rpcPort, "peer-port": peerPort };
    } else {
      await mkdir(configDir, { recursive: true });
      await mkdir(downloadDir, { recursive: true });
      settings = {
        "rpc-enabled": true,
        "rpc-bind-address": "127.0.0.1",
        "rpc-port": rpcPort,
        "rpc-url": "/transmission/",
        "rpc-authentication-required": auth,
        "rpc-username": username,
        "rpc-password": password,
        "rpc-whitelist-enabled": true,
        "rpc-whitelist": "127.0.0.1,::1",
        "rpc-host-whitelist-enabled": true,
        "peer-port": peerPort,
        "peer-port-random-on-start": false,
        "bind-address-ipv4": "127.0.0.1",
        "bind-address-ipv6": "::1",
        "dht-enabled": false,
        "lpd-enabled": false,
        "pex-enabled": false,
        "utp-enabled": false,
        "port-forwarding-enabled": false,
        "blocklist-enabled": false,
        "download-dir": downloadDir,
        "incomplete-dir-enabled": false,
        "watch-dir-enabled": false,
        // The queue would otherwise keep all but 5 torrents waiting.
        "download-queue-enabled": false,
        "seed-queue-enabled": false,
        "queue-stalled-enabled": false,
        "start-added-torrents": true,
        "message-level": 1,
        ...options.extraSettings,
      };
    }
    await writeFile(join(configDir, "settings.json"), JSON.stringify(settings, null, 2));

    const url = `http://127.0.0.1:${rpcPort}${RPC_PATH}`;
    const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
    let sessionId = "";
    const post = (body: string) =>
      fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-transmission-session-id": sessionId,
          ...(auth ? { authorization } : {}),
        },
        body,
        signal: AbortSignal.timeout(30_000),
      });

    const launch = () =>
      startDaemon({
        name: `transmission-daemon 127.0.0.1:${rpcPort}`,
        command: "transmission-daemon",
        args: home === undefined ? ["-f", "-g", configDir] : ["-f"],
        env:
          home === undefined
            ? { HOME: dir.path, XDG_CONFIG_HOME: dir.path }
            : { HOME: home, XDG_CONFIG_HOME: join(home, ".config") },
        ready: async () => {
          const response = await post(
            '{"method":"session-get","arguments":{"fields":["version"]}}',
          );
          await response.arrayBuffer();
          return response.status === 409 || response.status === 200;
        },
        readyTimeoutMs: 30_000,
        listens: [rpcPort],
      });
    let daemon = await launch();

    const rpc = async <T>(method: string, args: Record<string, unknown> = {}): Promise<T> => {
      if (typeof method !== "string" || !/^[a-z][a-z-]*$/.test(method)) {
        throw new Error(`rpc method must look like "torrent-get", got ${JSON.stringify(method)}`);
      }
      const body = JSON.stringify({ method, arguments: args });
      let response = await post(body);
      if (response.status === 409) {
        // CSRF protection: take the current session id from the 409 and send again, once.
        await response.arrayBuffer();
        sessionId = response.headers.get("x-transmission-session-id") ?? "";
        response = await post(body);
      }
      const text = await response.text();
      if (response.status !== 200) {
        throw new Error(`Transmission ${method}: HTTP ${response.status}`);
      }
      const answer = JSON.parse(text) as { result?: unknown; arguments?: T };
      if (answer.result !== "success") {
        throw new Error(`Transmission ${method}: ${String(answer.result)}`);
      }
      return answer.arguments as T;
    };

    const instance: Transmission = {
      url,
      rpcPort,
      peerPort,
      username,
      password,
      configDir,
      downloadDir,
      get daemon() {
        return daemon;
      },
      rpc: (method, args) => rpc(method, args),
      async addTorrents(torrents, add = {}) {
        if (!Array.isArray(torrents) || torrents.length === 0) {
          throw new Error("addTorrents expects a non-empty array of generated torrents");
        }
        const added: TransmissionAdded[] = [];
        for (const torrent of torrents) {
          const answer = await rpc<Record<string, TransmissionAdded | undefined>>("torrent-add", {
            metainfo: torrent.metainfo.toString("base64"),
            paused: add.paused ?? false,
            "download-dir": add.downloadDir ?? downloadDir,
          });
          const entry = answer["torrent-added"] ?? answer["torrent-duplicate"];
          if (entry === undefined) throw new Error(`Transmission did not add ${torrent.name}`);
          added.push(entry);
        }
        const ids = added.map((entry) => entry.id);
        // Transmission looks for existing data first (status 1/2): wait until that is over.
        await waitFor(
          `Transmission to check ${ids.length} added torrents`,
          async () => {
            const { torrents: rows } = await rpc<{ torrents: Array<{ status: number }> }>(
              "torrent-get",
              { ids, fields: ["status"] },
            );
            const settled = rows.filter((row) => row.status !== 1 && row.status !== 2).length;
            return settled === ids.length ? true : undefined;
          },
          { timeoutMs: 30_000 + 1000 * ids.length, intervalMs: 200 },
        );
        if (add.labels !== undefined) {
          // 3.00 has no labels on torrent-add (4.0 added them).
          await rpc("torrent-set", {
            ids,
            labels: [...add.labels],
          });
        }
        return added;
      },
      async stop() {
        daemon.signal("SIGCONT");
        await daemon.stop(15_000);
        await dir.remove();
      },
      async restart() {
        daemon.signal("SIGCONT");
        await daemon.stop(15_000);
        sessionId = "";
        daemon = await launch();
      },
      async snapshot() {
        if (home !== undefined) throw new Error("snapshot() does not copy a home's configuration");
        daemon.signal("SIGCONT");
        await daemon.stop(15_000);
        sessionId = "";
        const copy = await snapshotDir(dir.path, "transmission");
        try {
          daemon = await launch();
        } catch (error) {
          await copy.remove();
          throw error;
        }
        return { ...copy, client: "transmission", username, password, auth };
      },
    };
    return instance;
  } catch (error) {
    await dir.remove();
    throw error;
  }
}

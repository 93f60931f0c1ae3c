// Debian's real qbittorrent-nox on a loopback address, with its own profile, for contract and end-to-end tests.

import { pbkdf2Sync, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { type Daemon, retryWhilePortsTaken, startDaemon, tempDir } from "./daemon.ts";
import { restoreDir, type StateSnapshot, snapshotDir } from "./state-snapshot.ts";
import type { GeneratedTorrent } from "./torrents.ts";

/** How to start qBittorrent. */
export interface QbittorrentOptions {
  /** WebUI user (default "admin"). */
  readonly username?: string;
  /** WebUI password (default: random). */
  readonly password?: string;
  /** IPv4 loopback address for the WebUI and for peers (default 127.0.0.1). */
  readonly interfaceAddress?: string;
  /** Failed logins before qBittorrent bans an IP for an hour; 0 (the default) never bans. */
  readonly maxAuthFailures?: number;
  /** Torrents checked at the same time (default 4; qBittorrent's own default is 1). */
  readonly maxActiveChecking?: number;
  /** `WebUI\LocalHostAuth` (default true); false lets loopback clients in without a login. */
  readonly localHostAuth?: boolean;
  /**
   * Runs it as a user with this home runs `qbittorrent-nox`: no `--profile`, its configuration in
   * `<home>/.config/qBittorrent/qBittorrent.conf` (HOME and the XDG variables point into the
   * home), which the caller owns and removes. Downloads stay in the testbed's own directory.
   */
  readonly home?: string;
  /** With `home`: `--configuration=NAME`, its configuration in `<home>/.config/qBittorrent_NAME/`. */
  readonly configurationName?: string;
  /** Extra `key=value` lines per section of qBittorrent.conf, e.g. `{ BitTorrent: ["Session\\GlobalMaxRatio=2"] }`. */
  readonly extraConfig?: Readonly<Record<string, readonly string[]>>;
  /**
   * Starts a second instance from a copy of this snapshot (another instance's `snapshot()`):
   * its config, torrents and resume data (so its per-torrent totals, `uploaded` included, are
   * those of the moment of the snapshot), account and address, on fresh WebUI and peer ports.
   * Takes no other option.
   */
  readonly fromSnapshot?: QbittorrentSnapshot;
}

/** A copy of a stopped qBittorrent's profile and downloads, and what it takes to log in to it. */
export interface QbittorrentSnapshot extends StateSnapshot {
  readonly client: "qbittorrent";
  readonly username: string;
  readonly password: string;
  readonly interfaceAddress: string;
}

/** Options of `addTorrents`, as the WebAPI's `torrents/add` takes them. */
export interface QbittorrentAddOptions {
  readonly paused?: boolean;
  readonly category?: string;
  readonly tags?: readonly string[];
  /** Where the payload is or goes (default: the instance's `saveDir`). */
  readonly savepath?: string;
  /** Trust the data without a hash check. */
  readonly skipChecking?: boolean;
}

/** What the `api` helper sends: a form for POST, nothing for GET. */
export type QbittorrentForm = Readonly<Record<string, string | number | boolean>>;

/** A running qbittorrent-nox. */
export interface Qbittorrent {
  /** WebUI base URL, `http://<address>:<port>`. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly interfaceAddress: string;
  readonly webuiPort: number;
  /** BitTorrent listening port (TCP only; uTP is off). */
  readonly peerPort: number;
  /** The `--profile` directory (config in `qBittorrent/config/qBittorrent.conf`); with `home`, the home. */
  readonly profileDir: string;
  /** Its qBittorrent.conf. */
  readonly configFile: string;
  /** Default save path. */
  readonly saveDir: string;
  /** The current process (a new one after `restart`). */
  readonly daemon: Daemon;
  /**
   * A logged-in call to `/api/v2/<path>` (GET without `form`, POST with it): parsed JSON, or text
   * when qBittorrent answers text. Throws on any HTTP status but 200. This is how tests read what
   * qBittorrent itself says.
   */
  api<T = unknown>(path: string, form?: QbittorrentForm): Promise<T>;
  /**
   * Adds torrents (one multipart request) and resolves once all of them show in `torrents/info`
   * and are past `checkingResumeData`/`checkingDL`/`checkingUP`, so their state means something.
   */
  addTorrents(
    torrents: readonly GeneratedTorrent[],
    options?: QbittorrentAddOptions,
  ): Promise<void>;
  /** Waits until `torrents/info` lists at least `count` torrents, and returns them. */
  waitForTorrents(count: number, timeoutMs?: number): Promise<QbittorrentTorrent[]>;
  /** Stops qBittorrent (letting it save its state) and removes its directory. */
  stop(): Promise<void>;
  /** Stops and starts it again with the same profile and ports. */
  restart(): Promise<void>;
  /**
   * Stops qBittorrent (it saves its resume data), copies its directory, and starts it again with
   * the same profile and ports: a backup to start another instance from (`fromSnapshot`) later.
   * The copy is the caller's to `remove()`.
   */
  snapshot(): Promise<QbittorrentSnapshot>;
}

/** The fields of a `torrents/info` entry the testbed relies on (qBittorrent sends many more). */
export interface QbittorrentTorrent {
  readonly hash: string;
  readonly name: string;
  readonly state: string;
  readonly progress: number;
  readonly category: string;
  readonly tags: string;
  readonly tracker: string;
  readonly save_path: string;
  readonly size: number;
  readonly uploaded: number;
  readonly downloaded: number;
  readonly [field: string]: unknown;
}

const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** The `WebUI\Password_PBKDF2` value qBittorrent 4.2+ stores: PBKDF2-HMAC-SHA512, 100 000 rounds. */
export function qbittorrentPasswordHash(password: string, salt = randomBytes(16)): string {
  const key = pbkdf2Sync(password, salt, 100_000, 64, "sha512");
  return `@ByteArray(${salt.toString("base64")}:${key.toString("base64")})`;
}

/**
 * Writes a fresh profile and starts `qbittorrent-nox` bound to `interfaceAddress` (WebUI and
 * peers), with DHT, LSD, PeX, UPnP and queueing off, then waits until the WebUI answers.
 * A leecher that must exchange data with a seeder on 127.0.0.1 needs another address
 * (127.0.0.2): libtorrent drops connections from its own IP. Starts again on fresh ports if
 * another process took one.
 */
export function startQbittorrent(options: QbittorrentOptions = {}): Promise<Qbittorrent> {
  return retryWhilePortsTaken(() => launchQbittorrent(options));
}

async function launchQbittorrent(options: QbittorrentOptions): Promise<Qbittorrent> {
  const snapshot = options.fromSnapshot;
  if (snapshot !== undefined) {
    if (snapshot.client !== "qbittorrent")
      throw new Error("fromSnapshot is not a qBittorrent snapshot");
    const others = Object.keys(options).filter(
      (key) => key !== "fromSnapshot" && options[key as keyof QbittorrentOptions] !== undefined,
    );
    if (others.length > 0) {
      throw new Error(`fromSnapshot takes no other option (got ${others.join(", ")})`);
    }
  }
  const username = snapshot?.username ?? options.username ?? "admin";
  const password = snapshot?.password ?? options.password ?? randomBytes(12).toString("hex");
  const address = snapshot?.interfaceAddress ?? options.interfaceAddress ?? "127.0.0.1";
  const maxAuthFailures = options.maxAuthFailures ?? 0;
  const maxChecking = options.maxActiveChecking ?? 4;
  if (!USERNAME.test(username)) {
    throw new Error("username must be 1-64 characters of A-Z, a-z, 0-9, _, . or -");
  }
  if (typeof password !== "string" || password.length === 0) {
    throw new Error("password must be a non-empty string");
  }
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address)) {
    throw new Error(
      `interfaceAddress must be an IPv4 loopback address (127.x.y.z), got "${address}"`,
    );
  }
  for (const [name, value] of [
    ["maxAuthFailures", maxAuthFailures],
    ["maxActiveChecking", maxChecking],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`${name} must be a non-negative integer, got ${String(value)}`);
    }
  }

  const home = options.home;
  if (home !== undefined && snapshot !== undefined)
    throw new Error("fromSnapshot and home do not go together");
  if (
    options.configurationName !== undefined &&
    !/^[A-Za-z0-9_-]{1,32}$/.test(options.configurationName)
  )
    throw new Error("configurationName must be 1-32 letters, digits, _ or -");
  const dir = await tempDir("qbittorrent");
  const profileDir = home ?? join(dir.path, "profile");
  const configDir =
    home === undefined
      ? join(profileDir, "qBittorrent", "config")
      : join(
          home,
          ".config",
          options.configurationName === undefined
            ? "qBittorrent"
            : `qBittorrent_${options.configurationName}`,
        );
  const saveDir = join(dir.path, "downloads");
  try {
    const webuiPort = await freePort(address);
    const peerPort = await freePort(address);
    if (snapshot !== undefined) {
      await restoreQbittorrent(snapshot, dir.path, webuiPort, peerPort);
    } else {
      await writeProfile({
        configDir,
        saveDir,
        address,
        webuiPort,
        peerPort,
        username,
        password,
        maxAuthFailures,
        maxChecking,
        localHostAuth: options.localHostAuth ?? true,
        extraConfig: options.extraConfig ?? {},
      });
    }

    const url = `http://${address}:${webuiPort}`;
    const launch = () =>
      startDaemon({
        name: `qbittorrent-nox ${address}:${webuiPort}`,
        command: "qbittorrent-nox",
        args:
          home === undefined
            ? [`--profile=${profileDir}`]
            : options.configurationName === undefined
              ? []
              : [`--configuration=${options.configurationName}`],
        env:
          home === undefined
            ? { HOME: dir.path, XDG_CONFIG_HOME: dir.path, XDG_DATA_HOME: dir.path }
            : {
                HOME: home,
                XDG_CONFIG_HOME: join(home, ".config"),
                XDG_DATA_HOME: join(home, ".local", "share"),
                XDG_CACHE_HOME: join(home, ".cache"),
              },
        ready: async () => {
          const response = await fetch(`${url}/api/v2/app/version`, {
            signal: AbortSignal.timeout(2000),
          });
          await response.arrayBuffer();
          return response.status === 200 || response.status === 403;
        },
        readyTimeoutMs: 60_000,
        listens: [webuiPort],
      });
    let daemon = await launch();
    let cookie: string | undefined;

    const login = async () => {
      const response = await fetch(`${url}/api/v2/auth/login`, {
        method: "POST",
        body: new URLSearchParams({ username, password }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = await response.text();
      const sid = /(?:^|[\s,;])SID=([^;]+)/.exec(response.headers.get("set-cookie") ?? "")?.[1];
      if (response.status !== 200 || body !== "Ok." || sid === undefined) {
        throw new Error(`qBittorrent ${url} refused the testbed's login: HTTP ${response.status}`);
      }
      cookie = `SID=${sid}`;
    };

    const call = async (path: string, body?: URLSearchParams | FormData) => {
      if (cookie === undefined) await login();
      const send = () =>
        fetch(`${url}/api/v2/${path}`, {
          method: body === undefined ? "GET" : "POST",
          headers: { cookie: cookie as string },
          body,
          signal: AbortSignal.timeout(30_000),
        });
      let response = await send();
      if (response.status === 403) {
        // The session is gone (restart, timeout): log in again, once.
        await response.arrayBuffer();
        await login();
        response = await send();
      }
      const text = await response.text();
      if (response.status !== 200) {
        throw new Error(`qBittorrent ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
      }
      const json = (response.headers.get("content-type") ?? "").includes("application/json");
      return json ? JSON.parse(text) : text;
    };

    const torrentsInfo = (): Promise<QbittorrentTorrent[]> => call("torrents/info");

    const instance: Qbittorrent = {
      url,
      username,
      password,
      interfaceAddress: address,
      webuiPort,
      peerPort,
      profileDir,
      configFile: join(configDir, "qBittorrent.conf"),
      saveDir,
      get daemon() {
        return daemon;
      },
      api(path, form) {
        if (typeof path !== "string" || !/^[a-z]+\/[A-Za-z]+(\?.*)?$/.test(path)) {
          return Promise.reject(
            new Error(`api path must look like "torrents/info", got ${JSON.stringify(path)}`),
          );
        }
        if (form === undefined) return call(path);
        const params = new URLSearchParams();
        for (const [key, value] of Object.entries(form)) params.set(key, String(value));
        return call(path, params);
      },
      async addTorrents(torrents, add = {}) {
        if (!Array.isArray(torrents) || torrents.length === 0) {
          throw new Error("addTorrents expects a non-empty array of generated torrents");
        }
        const form = new FormData();
        for (const torrent of torrents) {
          form.append("torrents", new Blob([torrent.metainfo]), `${torrent.name}.torrent`);
        }
        form.set("savepath", add.savepath ?? saveDir);
        if (add.paused) form.set("paused", "true");
        if (add.skipChecking) form.set("skip_checking", "true");
        if (add.category !== undefined) form.set("category", add.category);
        if (add.tags !== undefined) form.set("tags", add.tags.join(","));
        const answer = await call("torrents/add", form);
        if (answer !== "Ok.") throw new Error(`qBittorrent torrents/add answered ${answer}`);
        const wanted = new Set(torrents.map((torrent) => torrent.infoHash));
        await waitFor(
          `qBittorrent to list and check ${wanted.size} added torrents`,
          async () => {
            const seen = await torrentsInfo();
            const settled = seen.filter(
              (torrent) => wanted.has(torrent.hash) && !torrent.state.startsWith("checking"),
            ).length;
            return settled === wanted.size ? true : undefined;
          },
          { timeoutMs: 30_000 + 1000 * wanted.size, intervalMs: 200 },
        );
      },
      waitForTorrents(count, timeoutMs = 30_000) {
        return waitFor(
          `qBittorrent to list ${count} torrents`,
          async () => {
            const seen = await torrentsInfo();
            return seen.length >= count ? seen : undefined;
          },
          { timeoutMs, intervalMs: 200 },
        );
      },
      async stop() {
        daemon.signal("SIGCONT");
        await daemon.stop(15_000);
        await dir.remove();
      },
      async restart() {
        daemon.signal("SIGCONT");
        await daemon.stop(15_000);
        cookie = undefined;
        daemon = await launch();
      },
      async snapshot() {
        if (home !== undefined) throw new Error("snapshot() does not copy a home's configuration");
        daemon.signal("SIGCONT");
        await daemon.stop(15_000);
        cookie = undefined;
        const copy = await snapshotDir(dir.path, "qbittorrent");
        try {
          daemon = await launch();
        } catch (error) {
          await copy.remove();
          throw error;
        }
        return { ...copy, client: "qbittorrent", username, password, interfaceAddress: address };
      },
    };
    return instance;
  } catch (error) {
    await dir.remove();
    throw error;
  }
}

/** Writes a fresh profile: qBittorrent.conf with the testbed's settings, and the save dir. */
async function writeProfile(profile: {
  readonly configDir: string;
  readonly saveDir: string;
  readonly address: string;
  readonly webuiPort: number;
  readonly peerPort: number;
  readonly username: string;
  readonly password: string;
  readonly maxAuthFailures: number;
  readonly maxChecking: number;
  readonly localHostAuth: boolean;
  readonly extraConfig: Readonly<Record<string, readonly string[]>>;
}): Promise<void> {
  const { configDir, saveDir, address, webuiPort, peerPort, username, password } = profile;
  const { maxAuthFailures, maxChecking } = profile;
  await mkdir(configDir, { recursive: true });
  await mkdir(saveDir, { recursive: true });
  const sections: Record<string, string[]> = {
    LegalNotice: ["Accepted=true"],
    Preferences: [
      `WebUI\\Address=${address}`,
      `WebUI\\Port=${webuiPort}`,
      `WebUI\\Username=${username}`,
      `WebUI\\Password_PBKDF2="${qbittorrentPasswordHash(password)}"`,
      `WebUI\\LocalHostAuth=${profile.localHostAuth}`,
      "WebUI\\CSRFProtection=true",
      "WebUI\\HostHeaderValidation=true",
      `WebUI\\MaxAuthenticationFailCount=${maxAuthFailures}`,
      "WebUI\\BanDuration=3600",
      "WebUI\\UseUPnP=false",
      // Otherwise qBittorrent downloads a GeoIP database from the internet.
      "Connection\\ResolvePeerCountries=false",
      "General\\Locale=en",
    ],
    Network: ["PortForwardingEnabled=false"],
    BitTorrent: [
      `Session\\Port=${peerPort}`,
      `Session\\DefaultSavePath=${saveDir}`,
      "Session\\TempPathEnabled=false",
      "Session\\DHTEnabled=false",
      "Session\\LSDEnabled=false",
      "Session\\PeXEnabled=false",
      "Session\\QueueingSystemEnabled=false",
      `Session\\MaxActiveCheckingTorrents=${maxChecking}`,
      // Only TCP: a UDP (uTP) port could be taken even when the TCP port was free.
      "Session\\BTProtocol=TCP",
      // Bound to loopback, or announces from other interfaces never complete (reference §7.4).
      "Session\\Interface=lo",
      "Session\\InterfaceName=lo",
      `Session\\InterfaceAddress=${address}`,
      "Session\\AnonymousModeEnabled=false",
    ],
  };
  for (const [section, lines] of Object.entries(profile.extraConfig)) {
    sections[section] = [...(sections[section] ?? []), ...lines];
  }
  const ini = Object.entries(sections)
    .map(([section, lines]) => `[${section}]\n${lines.join("\n")}\n`)
    .join("\n");
  await writeFile(join(configDir, "qBittorrent.conf"), ini);
}

/** Copies the snapshot into `root` and points its qBittorrent.conf at the new ports. */
async function restoreQbittorrent(
  snapshot: QbittorrentSnapshot,
  root: string,
  webuiPort: number,
  peerPort: number,
): Promise<void> {
  await restoreDir(snapshot, root, ["profile"]);
  const file = join(root, "profile", "qBittorrent", "config", "qBittorrent.conf");
  let ini = await readFile(file, "utf8");
  for (const [key, port] of [
    ["WebUI\\Port", webuiPort],
    ["Session\\Port", peerPort],
  ] as const) {
    const line = new RegExp(`^${key.replace("\\", "\\\\")}=\\d+$`, "m");
    if (!line.test(ini)) throw new Error(`the snapshot's qBittorrent.conf has no ${key} line`);
    ini = ini.replace(line, `${key}=${port}`);
  }
  await writeFile(file, ini);
}

// Finds the torrent clients of this machine: their own configuration files first, as their own local tools read them, then their default ports.

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { HttpClient, type TlsOptions } from "../net/http-client.ts";
import { Secret } from "../settings/secret.ts";
import { LOCALCLIENT, parseDelugeAuth } from "../sources/deluge/auth-file.ts";
import { addressKey, connectHost } from "./address-key.ts";
import { configHome, expandHome, type ReadFile, readClientFile } from "./client-files.ts";
import { parseDelugeCoreConf } from "./deluge-core-conf.ts";
import { probeQbittorrent, probeRtorrent, probeTcp, probeTransmission } from "./probe.ts";
import { parseQbittorrentConf } from "./qbittorrent-conf.ts";
import { readRtorrentRc } from "./rtorrent-rc.ts";
import { parseTransmissionSettings } from "./transmission-settings.ts";

/** The torrent clients discovery looks for. */
export const CLIENT_TYPES = ["qbittorrent", "transmission", "deluge", "rtorrent"] as const;

/** One of CLIENT_TYPES. */
export type ClientType = (typeof CLIENT_TYPES)[number];

/**
 * Why a client's password was not found: `hashed`, the client keeps only a hash of it
 * (qBittorrent, Transmission); `unreadable`, the file holding it cannot be read by this user;
 * `not-found`, no file of it was found.
 */
export type MissingPassword = "hashed" | "unreadable" | "not-found";

/** How seedwatch can log in to a found client. */
export type Login =
  | { readonly kind: "none" }
  | {
      readonly kind: "found";
      readonly username: string;
      readonly password: Secret;
      /** The client's own file holding it, in a form `password_file:` reads; else undefined. */
      readonly file: string | undefined;
    }
  | {
      readonly kind: "missing";
      /** The account it asks for, when its configuration says. */
      readonly username: string | undefined;
      readonly reason: MissingPassword;
      /** The file that should hold it (unreadable or without the account). */
      readonly file: string | undefined;
    };

/** A client that answers on this machine. */
export interface Finding {
  /** What it was found by (a file, or a default port): the same client keeps it from round to round. */
  readonly key: string;
  readonly type: ClientType;
  /** The name it gets when no other target has it: its type, or `qbittorrent-NAME` for `--configuration=NAME`. */
  readonly name: string;
  readonly url: string;
  /** The configuration file it was found by; undefined when it answered on its default port. */
  readonly file: string | undefined;
  readonly login: Login;
  readonly tls: TlsOptions | undefined;
}

/** Where and how to look. */
export interface FindOptions {
  readonly env: NodeJS.ProcessEnv;
  /** The user's home (`~`). */
  readonly home: string;
  /** Prefix of the system-wide files (`/var/lib/...`): none unless a test says. */
  readonly systemRoot?: string;
  /** Whether the user's and the services' configuration files are read (default true). */
  readonly readFiles?: boolean;
  /** Where the default ports are tried (default 127.0.0.1); false: they are not. */
  readonly defaultPortsHost?: string | false;
  /**
   * Time limit of each probe, ms (default 5000). Probes run side by side and on loopback a port
   * with nothing behind it refuses at once; the margin is for a busy client on a loaded box.
   */
  readonly timeoutMs?: number;
  /** How files are read (tests). */
  readonly read?: ReadFile;
}

/** Sockets rTorrent setups commonly open (ruTorrent guides, distribution packages), tried when they exist. */
const RTORRENT_SOCKETS = [
  "~/.rtorrent.sock",
  "~/rtorrent/.session/rpc.socket",
  "~/.local/share/rtorrent/rtorrent.sock",
  "/run/rtorrent/rpc.socket",
  "/var/run/rtorrent/rtorrent.sock",
];

/** A client where a file or a default says, before asking whether it answers. */
interface Candidate extends Omit<Finding, "login"> {
  readonly probe: (http: HttpClient, timeoutMs: number) => Promise<Login | undefined>;
}

/**
 * Every client that answers, in a fixed order (qBittorrent, Transmission, Deluge, rTorrent; files
 * before default ports). Only what the current user may read is read; a client found twice (its
 * user file and its default port) is kept once, as its file describes it.
 */
export async function findClients(options: FindOptions): Promise<Finding[]> {
  const read = options.read ?? readClientFile;
  const timeoutMs = options.timeoutMs ?? 5000;
  const candidates = options.readFiles === false ? [] : fileCandidates(options, read);
  const host = options.defaultPortsHost ?? "127.0.0.1";
  if (host !== false) {
    const taken = new Set(candidates.map((c) => addressKey(c.url)));
    for (const candidate of defaultPortCandidates(host))
      if (!taken.has(addressKey(candidate.url))) candidates.push(candidate);
  }
  // A probe reads a version string or an error, and sends no secret: any certificate will do.
  const http = new HttpClient({ tls: { insecureSkipVerify: true }, maxSockets: 1 });
  try {
    const logins = await Promise.all(candidates.map((c) => c.probe(http, timeoutMs)));
    const found: Finding[] = [];
    const seen = new Set<string | undefined>();
    candidates.forEach(({ probe: _, ...candidate }, i) => {
      const login = logins[i];
      const address = addressKey(candidate.url);
      if (login === undefined || seen.has(address)) return;
      seen.add(address);
      found.push({ ...candidate, login });
    });
    const order = (f: Finding) => CLIENT_TYPES.indexOf(f.type);
    return found.sort((a, b) => order(a) - order(b));
  } finally {
    http.close();
  }
}

function fileCandidates(options: FindOptions, read: ReadFile): Candidate[] {
  const { env, home } = options;
  const root = options.systemRoot ?? "";
  const config = configHome(env, home);
  return [
    ...qbittorrentCandidates(config, read),
    ...[
      ...(env.TRANSMISSION_HOME ? [join(env.TRANSMISSION_HOME, "settings.json")] : []),
      join(config, "transmission-daemon", "settings.json"),
      // Debian's transmission-daemon service (/etc/transmission-daemon/settings.json links here).
      join(root, "/var/lib/transmission-daemon/info/settings.json"),
    ].flatMap((file) => transmissionCandidate(file, read)),
    // Debian's deluged service keeps its configuration in /var/lib/deluged/config.
    ...[join(config, "deluge"), join(root, "/var/lib/deluged/config")].flatMap((dir) =>
      delugeCandidate(dir, read),
    ),
    ...rtorrentCandidates(options, read, config),
  ];
}

/** `qBittorrent/` and every `qBittorrent_NAME/` (`qbittorrent-nox --configuration=NAME`). */
function qbittorrentCandidates(config: string, read: ReadFile): Candidate[] {
  let dirs: string[];
  try {
    dirs = readdirSync(config).filter((d) => /^qBittorrent(_[^/]+)?$/.test(d));
  } catch {
    return [];
  }
  return dirs.sort().flatMap((dir): Candidate[] => {
    const file = join(config, dir, "qBittorrent.conf");
    const conf = read(file);
    if (!conf.ok) return [];
    const webui = parseQbittorrentConf(conf.text);
    const instance = dir.slice("qBittorrent_".length);
    const certificate = webui.certificate === undefined ? undefined : read(webui.certificate);
    const url = `${webui.https ? "https" : "http"}://${connectHost(webui.address)}:${webui.port}`;
    return [
      {
        key: `qbittorrent:${file}`,
        type: "qbittorrent",
        name: instance === "" ? "qbittorrent" : `qbittorrent-${instance}`,
        url,
        file,
        // Its own certificate when this user may read it; a self-signed one on loopback otherwise.
        tls: !webui.https
          ? undefined
          : certificate?.ok && webui.certificate !== undefined
            ? { caFile: webui.certificate }
            : { insecureSkipVerify: true },
        probe: async (http, timeoutMs) => {
          const answer = await probeQbittorrent(http, url, timeoutMs);
          if (answer === undefined) return undefined;
          return answer.login
            ? { kind: "missing", username: webui.username, reason: "hashed", file }
            : { kind: "none" };
        },
      },
    ];
  });
}

function transmissionCandidate(file: string, read: ReadFile): Candidate[] {
  const text = read(file);
  const rpc = text.ok ? parseTransmissionSettings(text.text) : undefined;
  if (rpc === undefined || !rpc.enabled) return [];
  const url = `http://${connectHost(rpc.address)}:${rpc.port}${rpc.path}rpc`;
  return [
    {
      key: `transmission:${file}`,
      type: "transmission",
      name: "transmission",
      url,
      file,
      tls: undefined,
      probe: async (http, timeoutMs) => {
        const answer = await probeTransmission(http, url, timeoutMs);
        if (answer === undefined) return undefined;
        if (!answer.login) return { kind: "none" };
        return rpc.password === undefined
          ? { kind: "missing", username: rpc.username, reason: "hashed", file }
          : {
              kind: "found",
              username: rpc.username,
              password: new Secret(rpc.password),
              file: undefined,
            };
      },
    },
  ];
}

function delugeCandidate(dir: string, read: ReadFile): Candidate[] {
  const core = read(join(dir, "core.conf"));
  const conf = core.ok ? parseDelugeCoreConf(core.text) : undefined;
  if (conf === undefined) return [];
  const authFile = join(dir, "auth");
  const auth = read(authFile);
  const password = auth.ok ? parseDelugeAuth(auth.text).get(LOCALCLIENT) : undefined;
  const login: Login =
    password !== undefined
      ? { kind: "found", username: LOCALCLIENT, password: new Secret(password), file: authFile }
      : {
          kind: "missing",
          username: LOCALCLIENT,
          reason: auth.ok || auth.code === "ENOENT" ? "not-found" : "unreadable",
          file: authFile,
        };
  // deluged signs its RPC with its own certificate: pin it when this user may read it.
  const certificate = join(dir, "ssl", "daemon.cert");
  return [
    {
      key: `deluge:${dir}`,
      type: "deluge",
      name: "deluge",
      url: `deluge://127.0.0.1:${conf.port}`,
      file: join(dir, "core.conf"),
      tls: read(certificate).ok ? { caFile: certificate } : undefined,
      probe: async (_http, timeoutMs) =>
        (await probeTcp("127.0.0.1", conf.port, timeoutMs)) ? login : undefined,
    },
  ];
}

/** ~/.rtorrent.rc (else $XDG_CONFIG_HOME/rtorrent/rtorrent.rc, as rTorrent 0.9.7+ looks), then common sockets. */
function rtorrentCandidates(options: FindOptions, read: ReadFile, config: string): Candidate[] {
  const { home, env } = options;
  const rc = [join(home, ".rtorrent.rc"), join(config, "rtorrent", "rtorrent.rc")].find(
    (file) => read(file).ok,
  );
  const candidates: Candidate[] = [];
  // rTorrent opens one SCGI endpoint: the first the rc asks for.
  const endpoint = rc === undefined ? undefined : readRtorrentRc(rc, { read, home, env })[0];
  if (rc !== undefined && endpoint !== undefined) {
    const url =
      endpoint.kind === "port"
        ? `scgi://${connectHost(endpoint.host === "localhost" ? "127.0.0.1" : endpoint.host)}:${endpoint.port}`
        : `scgi://${endpoint.path}`;
    candidates.push(rtorrentCandidate(`rtorrent:${rc}`, url, endpoint.file));
  }
  for (const socket of RTORRENT_SOCKETS) {
    const path = expandHome(socket, home);
    if (isSocket(join(options.systemRoot ?? "", path)))
      candidates.push(rtorrentCandidate(`rtorrent:${path}`, `scgi://${path}`, path));
  }
  return candidates;
}

function rtorrentCandidate(key: string, url: string, file: string | undefined): Candidate {
  return {
    key,
    type: "rtorrent",
    name: "rtorrent",
    url,
    file,
    tls: undefined,
    probe: async (_http, timeoutMs) =>
      (await probeRtorrent(url, timeoutMs)) === undefined ? undefined : { kind: "none" },
  };
}

/** The clients' default ports on `host`: found only when the right client answers there. */
function defaultPortCandidates(host: string): Candidate[] {
  const at = connectHost(host);
  const qbittorrent = `http://${at}:8080`;
  const transmission = `http://${at}:9091/transmission/rpc`;
  return [
    {
      key: `qbittorrent:port:${at}:8080`,
      type: "qbittorrent",
      name: "qbittorrent",
      url: qbittorrent,
      file: undefined,
      tls: undefined,
      probe: async (http, timeoutMs) => {
        const answer = await probeQbittorrent(http, qbittorrent, timeoutMs);
        if (answer === undefined) return undefined;
        return answer.login
          ? { kind: "missing", username: "admin", reason: "not-found", file: undefined }
          : { kind: "none" };
      },
    },
    {
      key: `transmission:port:${at}:9091`,
      type: "transmission",
      name: "transmission",
      url: transmission,
      file: undefined,
      tls: undefined,
      probe: async (http, timeoutMs) => {
        const answer = await probeTransmission(http, transmission, timeoutMs);
        if (answer === undefined) return undefined;
        return answer.login
          ? { kind: "missing", username: undefined, reason: "not-found", file: undefined }
          : { kind: "none" };
      },
    },
    {
      key: `deluge:port:${at}:58846`,
      type: "deluge",
      name: "deluge",
      url: `deluge://${at}:58846`,
      file: undefined,
      tls: undefined,
      probe: async (_http, timeoutMs) =>
        (await probeTcp(at, 58846, timeoutMs))
          ? { kind: "missing", username: LOCALCLIENT, reason: "not-found", file: undefined }
          : undefined,
    },
    rtorrentCandidate(`rtorrent:port:${at}:5000`, `scgi://${at}:5000`, undefined),
  ];
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

// qBittorrent's own settings file (qBittorrent.conf, Qt's INI format): where its WebUI listens and whether loopback needs a login.

/** What qBittorrent.conf says about the WebUI. */
export interface QbittorrentWebUi {
  readonly port: number;
  /** `WebUI\Address`: `*` (every address) unless set. */
  readonly address: string;
  readonly https: boolean;
  /** `WebUI\HTTPS\CertificatePath`, when HTTPS is on and it names a file. */
  readonly certificate: string | undefined;
  readonly username: string;
  /** `WebUI\LocalHostAuth`: false lets loopback clients in without a login. */
  readonly localHostAuth: boolean;
}

/** qBittorrent's defaults (the WebUI on every address, port 8080, user admin). */
const DEFAULTS: QbittorrentWebUi = {
  port: 8080,
  address: "*",
  https: false,
  certificate: undefined,
  username: "admin",
  localHostAuth: true,
};

/**
 * Reads the `[Preferences]` keys of qBittorrent.conf that say where the WebUI is. Values are as
 * QSettings writes them (`true`/`false`, numbers, strings possibly in double quotes); a key that
 * is missing or not understood keeps qBittorrent's default.
 */
export function parseQbittorrentConf(text: string): QbittorrentWebUi {
  const keys = preferences(text);
  const port = Number(keys.get("WebUI\\Port"));
  const https = keys.get("WebUI\\HTTPS\\Enabled") === "true";
  const certificate = keys.get("WebUI\\HTTPS\\CertificatePath");
  return {
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : DEFAULTS.port,
    address: keys.get("WebUI\\Address") || DEFAULTS.address,
    https,
    // 4.x also accepted the certificate itself in `WebUI\HTTPS\Certificate`: only a path is used.
    certificate: https && certificate ? certificate : undefined,
    username: keys.get("WebUI\\Username") || DEFAULTS.username,
    localHostAuth: keys.get("WebUI\\LocalHostAuth") !== "false",
  };
}

/** The `key=value` lines of the `[Preferences]` section, values unquoted. */
function preferences(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  let section = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header !== null) {
      section = header[1] as string;
      continue;
    }
    if (section !== "Preferences") continue;
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1).replaceAll('\\"', '"').replaceAll("\\\\", "\\");
    keys.set(key, value);
  }
  return keys;
}

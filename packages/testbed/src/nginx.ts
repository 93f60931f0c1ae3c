// A real nginx in front of an SCGI server (rTorrent), exposing /RPC2 over HTTP with basic auth.

import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort } from "@seedwatch/metrics/testing";
import { type Daemon, startDaemon, tempDir } from "./daemon.ts";

/** What to proxy and who may use it. */
export interface NginxScgiProxyOptions {
  /** `scgi://host:port` or `scgi:///path/to.sock`. */
  readonly scgiUrl: string;
  readonly username: string;
  readonly password: string;
}

/** A running nginx. */
export interface NginxScgiProxy {
  /** `http://127.0.0.1:PORT/RPC2` (no credentials in it). */
  readonly url: string;
  readonly daemon: Daemon;
  /** Stops nginx and removes its prefix dir. */
  stop(): Promise<void>;
}

/**
 * Runs Debian's nginx in the foreground as a single process (`master_process off`), with its own
 * prefix, config, pid file, temp paths and error log in a temp dir, listening on a free loopback
 * port. `/RPC2` requires basic auth (an htpasswd line from `openssl passwd -apr1`, password on
 * stdin) and is passed to the SCGI server; everything else is 404.
 */
export async function startNginxScgiProxy(options: NginxScgiProxyOptions): Promise<NginxScgiProxy> {
  const upstream = scgiPassTarget(options.scgiUrl);
  const dir = await tempDir("nginx");
  const port = await freePort();
  const prefix = dir.path;
  for (const sub of ["logs", "tmp"]) await mkdir(join(prefix, sub));
  const hash = await opensslPasswd(options.password);
  await writeFile(join(prefix, "htpasswd"), `${options.username}:${hash}\n`, { mode: 0o600 });
  const conf = join(prefix, "nginx.conf");
  await writeFile(
    conf,
    `daemon off;
master_process off;
pid ${join(prefix, "nginx.pid")};
error_log ${join(prefix, "logs", "error.log")} info;
events { worker_connections 64; }
http {
  access_log ${join(prefix, "logs", "access.log")};
  client_body_temp_path ${join(prefix, "tmp", "body")};
  proxy_temp_path ${join(prefix, "tmp", "proxy")};
  fastcgi_temp_path ${join(prefix, "tmp", "fastcgi")};
  uwsgi_temp_path ${join(prefix, "tmp", "uwsgi")};
  scgi_temp_path ${join(prefix, "tmp", "scgi")};
  client_max_body_size 4m;
  server {
    listen 127.0.0.1:${port};
    location = /RPC2 {
      auth_basic "rtorrent";
      auth_basic_user_file ${join(prefix, "htpasswd")};
      include /etc/nginx/scgi_params;
      scgi_pass ${upstream};
    }
    location / { return 404; }
  }
}
`,
  );
  const daemon = await startDaemon({
    name: "nginx",
    command: "nginx",
    args: ["-p", `${prefix}/`, "-c", conf, "-e", join(prefix, "logs", "error.log")],
    ready: () => canConnect(port),
  });
  return {
    url: `http://127.0.0.1:${port}/RPC2`,
    daemon,
    async stop() {
      try {
        await daemon.stop();
      } finally {
        await dir.remove();
      }
    },
  };
}

function scgiPassTarget(scgiUrl: string): string {
  const url = URL.parse(scgiUrl);
  if (url?.protocol !== "scgi:")
    throw new TypeError("scgiUrl must be scgi://host:port or scgi:///path");
  return url.hostname === "" ? `unix:${decodeURIComponent(url.pathname)}` : url.host;
}

function opensslPasswd(password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("openssl", ["passwd", "-apr1", "-stdin"], (error, stdout) => {
      if (error) reject(new Error(`openssl passwd failed: ${error.message}`));
      else resolve(stdout.trim());
    });
    child.stdin?.end(`${password}\n`);
  });
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

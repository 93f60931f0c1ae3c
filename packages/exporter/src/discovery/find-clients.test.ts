import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type RequestListener, type Server } from "node:http";
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Socket,
  type Server as TcpServer,
} from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type FileRead, readClientFile } from "./client-files.ts";
import { type Finding, findClients } from "./find-clients.ts";

/** A server on `host`:`port` (0: any free port) for one test. */
async function listen(server: Server | TcpServer, host: string, port = 0) {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.listen(port, host);
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

const http = (listener: RequestListener) =>
  createServer((req, res) => {
    req.resume();
    listener(req, res);
  });

/** qBittorrent's WebUI: its version without a login, or 403 "Forbidden" with one. */
const qbittorrent = (login: boolean) =>
  http((req, res) => {
    if (req.url !== "/api/v2/app/version") return void res.writeHead(404).end();
    if (login) res.writeHead(403).end("Forbidden");
    else res.end("v4.6.7");
  });

/** Transmission's RPC: 409 with a session id, or 401 when it asks for a login. */
const transmission = (login: boolean) =>
  http((req, res) => {
    if (req.url !== "/transmission/rpc") return void res.writeHead(404).end();
    if (login)
      res.writeHead(401, { "www-authenticate": 'Basic realm="Transmission"' }).end("Unauthorized");
    else res.writeHead(409, { "x-transmission-session-id": "abc" }).end();
  });

/** rTorrent's SCGI port: answers system.client_version. */
const rtorrent = () =>
  createTcpServer((socket) => {
    socket.once("data", () => {
      const body =
        '<?xml version="1.0"?><methodResponse><params><param><value><string>0.9.8</string></value></param></params></methodResponse>';
      socket.end(
        `Status: 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
    });
  });

const by = (findings: readonly Finding[]) =>
  findings.map((f) => ({
    key: f.key,
    type: f.type,
    name: f.name,
    url: f.url,
    file: f.file,
    login:
      f.login.kind === "found"
        ? { ...f.login, password: f.login.password.reveal() }
        : { ...f.login },
    tls: f.tls,
  }));

describe("findClients: each client's own files", () => {
  let home: string;
  let root: string;
  const servers: Array<{ close(): Promise<void> }> = [];
  const write = async (path: string, text: string) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), "seedwatch-find-home-"));
    root = await mkdtemp(join(tmpdir(), "seedwatch-find-root-"));
  });
  after(async () => {
    for (const server of servers) await server.close();
    await rm(home, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  });

  it("finds each where its file says, with what it takes to log in", async () => {
    const open = await listen(qbittorrent(false), "127.77.1.1");
    const locked = await listen(qbittorrent(true), "127.77.1.2");
    const rpc = await listen(transmission(false), "127.77.1.3");
    const deluged = await listen(
      createTcpServer((s) => s.destroy()),
      "127.0.0.1",
    );
    const scgi = await listen(rtorrent(), "127.77.1.4");
    servers.push(open, locked, rpc, deluged, scgi);
    const config = join(home, ".config");
    await write(
      join(config, "qBittorrent/qBittorrent.conf"),
      `[Preferences]\nWebUI\\Address=127.77.1.1\nWebUI\\Port=${open.port}\nWebUI\\LocalHostAuth=false\n`,
    );
    await write(
      join(config, "qBittorrent_locked/qBittorrent.conf"),
      `[Preferences]\nWebUI\\Address=127.77.1.2\nWebUI\\Port=${locked.port}\nWebUI\\Username=me\n`,
    );
    // A configuration whose client is not running: nothing answers there.
    await write(join(config, "qBittorrent_off/qBittorrent.conf"), "[Preferences]\nWebUI\\Port=1\n");
    await write(
      join(config, "transmission-daemon/settings.json"),
      JSON.stringify({ "rpc-port": rpc.port, "rpc-bind-address": "127.77.1.3" }),
    );
    await write(
      join(config, "deluge/core.conf"),
      `{"file": 1, "format": 1}{"daemon_port": ${deluged.port}}`,
    );
    await write(join(config, "deluge/auth"), "localclient:0123abcd:10\n");
    await write(join(home, ".rtorrent.rc"), `network.scgi.open_port = 127.77.1.4:${scgi.port}\n`);

    const found = await findClients({
      env: { XDG_CONFIG_HOME: config },
      home,
      systemRoot: root,
      defaultPortsHost: false,
    });
    assert.deepEqual(by(found), [
      {
        key: `qbittorrent:${join(config, "qBittorrent/qBittorrent.conf")}`,
        type: "qbittorrent",
        name: "qbittorrent",
        url: `http://127.77.1.1:${open.port}`,
        file: join(config, "qBittorrent/qBittorrent.conf"),
        login: { kind: "none" },
        tls: undefined,
      },
      {
        key: `qbittorrent:${join(config, "qBittorrent_locked/qBittorrent.conf")}`,
        type: "qbittorrent",
        name: "qbittorrent-locked",
        url: `http://127.77.1.2:${locked.port}`,
        file: join(config, "qBittorrent_locked/qBittorrent.conf"),
        login: {
          kind: "missing",
          username: "me",
          reason: "hashed",
          file: join(config, "qBittorrent_locked/qBittorrent.conf"),
        },
        tls: undefined,
      },
      {
        key: `transmission:${join(config, "transmission-daemon/settings.json")}`,
        type: "transmission",
        name: "transmission",
        url: `http://127.77.1.3:${rpc.port}/transmission/rpc`,
        file: join(config, "transmission-daemon/settings.json"),
        login: { kind: "none" },
        tls: undefined,
      },
      {
        key: `deluge:${join(config, "deluge")}`,
        type: "deluge",
        name: "deluge",
        url: `deluge://127.0.0.1:${deluged.port}`,
        file: join(config, "deluge/core.conf"),
        login: {
          kind: "found",
          username: "localclient",
          password: "0123abcd",
          file: join(config, "deluge/auth"),
        },
        tls: undefined,
      },
      {
        key: `rtorrent:${join(home, ".rtorrent.rc")}`,
        type: "rtorrent",
        name: "rtorrent",
        url: `scgi://127.77.1.4:${scgi.port}`,
        file: join(home, ".rtorrent.rc"),
        login: { kind: "none" },
        tls: undefined,
      },
    ]);
  });

  it("reads Debian's services' files too, and only what this user may read", async () => {
    const rpc = await listen(transmission(true), "127.77.2.1");
    const deluged = await listen(
      createTcpServer((s) => s.destroy()),
      "127.0.0.1",
    );
    servers.push(rpc, deluged);
    const settings = join(root, "var/lib/transmission-daemon/info/settings.json");
    await write(
      settings,
      JSON.stringify({
        "rpc-port": rpc.port,
        "rpc-bind-address": "127.77.2.1",
        "rpc-authentication-required": true,
        "rpc-username": "debian",
        "rpc-password": "{6a5f2bd1b7d7e3c4a0fe4d0b0e66f2c1d2e3f4a5Xy1z2w3v",
      }),
    );
    await write(
      join(root, "var/lib/deluged/config/core.conf"),
      `{"file": 1, "format": 1}{"daemon_port": ${deluged.port}}`,
    );
    const auth = join(root, "var/lib/deluged/config/auth");
    await write(auth, "localclient:secret:10\n");
    const empty = await mkdtemp(join(tmpdir(), "seedwatch-find-empty-"));
    try {
      // As another user would: the service's auth file refused (the test runs as root).
      const read = (path: string): FileRead =>
        path === auth ? { ok: false, code: "EACCES" } : readClientFile(path);
      const found = await findClients({
        env: {},
        home: empty,
        systemRoot: root,
        defaultPortsHost: false,
        read,
      });
      assert.deepEqual(
        by(found).map((f) => [f.name, f.file, f.login]),
        [
          [
            "transmission",
            settings,
            { kind: "missing", username: "debian", reason: "hashed", file: settings },
          ],
          [
            "deluge",
            join(root, "var/lib/deluged/config/core.conf"),
            { kind: "missing", username: "localclient", reason: "unreadable", file: auth },
          ],
        ],
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe("findClients: default ports", () => {
  const none = { env: {}, home: "/nonexistent", readFiles: false } as const;

  it("finds a qBittorrent on 8080 by its version answer, and one found by its file only once", async () => {
    const server = await listen(qbittorrent(false), "127.77.3.1", 8080);
    const home = await mkdtemp(join(tmpdir(), "seedwatch-find-home-"));
    try {
      const found = await findClients({ ...none, defaultPortsHost: "127.77.3.1" });
      assert.deepEqual(by(found), [
        {
          key: "qbittorrent:port:127.77.3.1:8080",
          type: "qbittorrent",
          name: "qbittorrent",
          url: "http://127.77.3.1:8080",
          file: undefined,
          login: { kind: "none" },
          tls: undefined,
        },
      ]);
      const conf = join(home, ".config/qBittorrent/qBittorrent.conf");
      await mkdir(dirname(conf), { recursive: true });
      await writeFile(conf, "[Preferences]\nWebUI\\Address=127.77.3.1\n");
      const both = await findClients({ env: {}, home, defaultPortsHost: "127.77.3.1" });
      assert.deepEqual(
        both.map((f) => [f.key, f.url]),
        [[`qbittorrent:${conf}`, "http://127.77.3.1:8080"]],
      );
    } finally {
      await server.close();
      await rm(home, { recursive: true, force: true });
    }
  });

  it("takes no other program on a client's port for the client", async () => {
    // A version answer followed by 8 MiB: read whole, it would pass for a qBittorrent.
    const padded = Buffer.concat([Buffer.from("v4.5.2"), Buffer.alloc(8 * 2 ** 20, " ")]);
    const web = await listen(
      http((_req, res) => res.end(padded)),
      "127.77.3.2",
      8080,
    );
    // Something on rTorrent's usual port that does not speak its XML-RPC.
    const other = await listen(
      createTcpServer((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n")),
      "127.77.3.2",
      5000,
    );
    try {
      assert.deepEqual(await findClients({ ...none, defaultPortsHost: "127.77.3.2" }), []);
    } finally {
      await web.close();
      await other.close();
    }
  });
});

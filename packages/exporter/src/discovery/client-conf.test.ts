import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { delugePasswordFile, parseDelugeAuth } from "../sources/deluge/auth-file.ts";
import type { FileRead } from "./client-files.ts";
import { parseDelugeCoreConf } from "./deluge-core-conf.ts";
import { parseQbittorrentConf } from "./qbittorrent-conf.ts";
import { readRtorrentRc } from "./rtorrent-rc.ts";
import { parseTransmissionSettings } from "./transmission-settings.ts";

describe("parseQbittorrentConf", () => {
  it("reads the WebUI keys of [Preferences] as qBittorrent 4.5 writes them", () => {
    const conf = [
      "[BitTorrent]",
      "Session\\Port=6881",
      "",
      "[Preferences]",
      "WebUI\\Address=127.0.0.1",
      "WebUI\\Port=8123",
      "WebUI\\Username=seeder",
      'WebUI\\Password_PBKDF2="@ByteArray(c2FsdA==:a2V5)"',
      "WebUI\\LocalHostAuth=false",
      "WebUI\\HTTPS\\Enabled=true",
      "WebUI\\HTTPS\\CertificatePath=/home/u/.config/qBittorrent/cert.pem",
    ].join("\n");
    assert.deepEqual(parseQbittorrentConf(conf), {
      port: 8123,
      address: "127.0.0.1",
      https: true,
      certificate: "/home/u/.config/qBittorrent/cert.pem",
      username: "seeder",
      localHostAuth: false,
    });
  });

  it("keeps qBittorrent's defaults for what is missing, and ignores other sections", () => {
    assert.deepEqual(
      parseQbittorrentConf("[LegalNotice]\nAccepted=true\n[Other]\nWebUI\\Port=1\n"),
      {
        port: 8080,
        address: "*",
        https: false,
        certificate: undefined,
        username: "admin",
        localHostAuth: true,
      },
    );
  });
});

describe("parseTransmissionSettings", () => {
  it("reads the RPC keys, and a password only while it is not Transmission's hash", () => {
    const settings = {
      "rpc-port": 9092,
      "rpc-url": "/tr/",
      "rpc-bind-address": "127.0.0.1",
      "rpc-authentication-required": true,
      "rpc-username": "u",
      "rpc-password": "{2f1e3c4b5a69788796a5b4c3d2e1f0a1b2c3d4e5XyZ12345",
    };
    assert.deepEqual(parseTransmissionSettings(JSON.stringify(settings)), {
      enabled: true,
      port: 9092,
      address: "127.0.0.1",
      path: "/tr/",
      authRequired: true,
      username: "u",
      password: undefined,
    });
    const plain = { ...settings, "rpc-password": "not-hashed-yet", "rpc-url": "transmission" };
    const rpc = parseTransmissionSettings(JSON.stringify(plain));
    assert.equal(rpc?.password, "not-hashed-yet");
    assert.equal(rpc?.path, "/transmission/");
  });

  it("keeps the defaults, and refuses what is not a JSON object", () => {
    assert.deepEqual(parseTransmissionSettings("{}"), {
      enabled: true,
      port: 9091,
      address: "0.0.0.0",
      path: "/transmission/",
      authRequired: false,
      username: "",
      password: undefined,
    });
    assert.equal(parseTransmissionSettings("[1]"), undefined);
    assert.equal(parseTransmissionSettings("{"), undefined);
  });
});

describe("Deluge's files", () => {
  it("core.conf: the daemon port from the second object, braces in strings notwithstanding", () => {
    const text =
      '{\n    "file": 1,\n    "format": 1\n}{\n    "daemon_port": 58999,\n    "x": "}{"\n}';
    assert.deepEqual(parseDelugeCoreConf(text), { port: 58999 });
    assert.deepEqual(parseDelugeCoreConf('{"file": 1}{"allow_remote": false}'), { port: 58846 });
    assert.equal(parseDelugeCoreConf('{"daemon_port": 1}'), undefined);
  });

  it("auth: user:password[:level] lines as get_localhost_auth reads them", () => {
    const auth =
      "# accounts\nlocalclient:abc123:10\n\nbad line\nro:x:1\nu:p\na:b:c:d\nlocalclient:second:10\n";
    assert.deepEqual(
      [...parseDelugeAuth(auth)],
      [
        ["localclient", "abc123"],
        ["ro", "x"],
        ["u", "p"],
      ],
    );
  });

  it("a deluge password_file is the username's line of an auth file, or a plain password", () => {
    assert.equal(delugePasswordFile("localclient:abc:10\nother:x:5\n", "localclient"), "abc");
    assert.equal(delugePasswordFile("s3cret\n", "localclient"), "s3cret");
    assert.equal(delugePasswordFile("pa:ss\n", "localclient"), "pa:ss");
    assert.equal(delugePasswordFile("a:b:10\nc:d:10\n", "localclient"), undefined);
  });
});

describe("readRtorrentRc", () => {
  const files =
    (map: Record<string, string>) =>
    (path: string): FileRead =>
      map[path] === undefined ? { ok: false, code: "ENOENT" } : { ok: true, text: map[path] };
  const options = (map: Record<string, string>) => ({
    read: files(map),
    home: "/home/u",
    env: { HOME: "/home/u" },
  });

  it("finds network.scgi.open_port, and scgi_port of old rc files", () => {
    const rc = "# rc\nnetwork.scgi.open_port = 127.0.0.1:5001\nscgi_port = localhost:5002\n";
    assert.deepEqual(
      readRtorrentRc("/home/u/.rtorrent.rc", options({ "/home/u/.rtorrent.rc": rc })),
      [
        { kind: "port", host: "127.0.0.1", port: 5001, file: "/home/u/.rtorrent.rc" },
        { kind: "port", host: "localhost", port: 5002, file: "/home/u/.rtorrent.rc" },
      ],
    );
  });

  it("follows imports and the rtorrent wiki template's (cat, ...) paths", () => {
    const map = {
      "/home/u/.rtorrent.rc": [
        'method.insert = cfg.basedir, private|const|string, (cat,(system.env,HOME),"/rtorrent/")',
        'method.insert = cfg.session, private|const|string, (cat,(cfg.basedir),".session/")',
        "session.path.set = (cat, (cfg.session))",
        "try_import = ~/rtorrent/missing.rc",
        "import = ~/rtorrent/rpc.rc",
      ].join("\n"),
      "/home/u/rtorrent/rpc.rc":
        "network.scgi.open_local = (cat,(session.path),rpc.socket)\nimport = /home/u/.rtorrent.rc\n",
    };
    assert.deepEqual(readRtorrentRc("/home/u/.rtorrent.rc", options(map)), [
      {
        kind: "socket",
        path: "/home/u/rtorrent/.session/rpc.socket",
        file: "/home/u/rtorrent/rpc.rc",
      },
    ]);
  });

  it("skips values it cannot compute rather than guess", () => {
    const rc =
      "network.scgi.open_local = (cat,(cfg.unknown),x.sock)\nnetwork.scgi.open_port = (x)\n";
    assert.deepEqual(readRtorrentRc("/rc", options({ "/rc": rc })), []);
  });
});

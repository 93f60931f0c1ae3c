import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTransport } from "./create-transport.ts";
import { HttpXmlRpcTransport } from "./http-transport.ts";
import { ScgiTransport } from "./scgi.ts";

describe("createTransport", () => {
  it("picks SCGI for scgi:// URLs (TCP or a Unix socket) and HTTP for http(s):// URLs", () => {
    const transports = [
      createTransport("scgi://127.0.0.1:5000"),
      createTransport("scgi:///run/rtorrent.sock"),
      createTransport("http://127.0.0.1:8080/RPC2"),
      createTransport(new URL("https://127.0.0.1/RPC2")),
    ];
    try {
      assert.ok(transports[0] instanceof ScgiTransport);
      assert.equal(transports[0].endpoint, "scgi://127.0.0.1:5000");
      assert.ok(transports[1] instanceof ScgiTransport);
      assert.equal(transports[1].endpoint, "scgi:///run/rtorrent.sock");
      assert.ok(transports[2] instanceof HttpXmlRpcTransport);
      assert.ok(transports[3] instanceof HttpXmlRpcTransport);
    } finally {
      for (const t of transports) t.close();
    }
  });

  it("refuses other schemes and what is not a URL, naming the accepted forms", () => {
    assert.throws(() => createTransport("ftp://x/RPC2"), /must be scgi:\/\/host:port/);
    assert.throws(() => createTransport("not a url"), TypeError);
  });
});

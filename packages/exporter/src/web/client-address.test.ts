import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clientKey } from "./client-address.ts";

describe("clientKey", () => {
  it("keys IPv4 clients by address, IPv4-mapped ones too", () => {
    assert.equal(clientKey("127.0.0.1"), "127.0.0.1");
    assert.equal(clientKey("127.0.0.2"), "127.0.0.2");
    assert.equal(clientKey("::ffff:192.0.2.7"), "192.0.2.7");
    assert.equal(clientKey("::FFFF:192.0.2.7"), "192.0.2.7");
  });

  it("keys IPv6 clients by their /64, whatever the spelling", () => {
    assert.equal(clientKey("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
    assert.equal(clientKey("2001:db8:1:2::99"), "2001:db8:1:2::/64");
    assert.equal(clientKey("2001:0DB8:0001:0002:ffff::1"), "2001:db8:1:2::/64");
    assert.equal(clientKey("2001:db8::"), "2001:db8:0:0::/64");
    assert.equal(clientKey("fe80::1%eth0"), "fe80:0:0:0::/64");
    assert.equal(clientKey("64:ff9b::192.0.2.1"), "64:ff9b:0:0::/64");
    assert.notEqual(clientKey("2001:db8:1:2::1"), clientKey("2001:db8:1:3::1"));
  });

  it("keeps the IPv6 loopback apart, and says unknown without an address", () => {
    assert.equal(clientKey("::1"), "::1");
    assert.equal(clientKey("0:0:0:0:0:0:0:1"), "::1");
    assert.equal(clientKey("::"), "0:0:0:0::/64");
    assert.equal(clientKey(undefined), "unknown");
    assert.equal(clientKey(""), "unknown");
  });
});

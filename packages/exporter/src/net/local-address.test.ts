import assert from "node:assert/strict";
import { hostname, networkInterfaces } from "node:os";
import { describe, it } from "node:test";
import { isLocalHost } from "./local-address.ts";

describe("isLocalHost", () => {
  it("takes loopback, localhost and this machine's name and addresses as local", () => {
    for (const host of [
      "127.0.0.1",
      "127.1.2.3",
      "[::1]",
      "::1",
      "localhost",
      "LOCALHOST",
      "a.localhost",
      hostname(),
    ])
      assert.equal(isLocalHost(host), true, host);
    const own = Object.values(networkInterfaces()).flat()[0]?.address;
    if (own !== undefined) assert.equal(isLocalHost(own), true, own);
  });

  it("takes other addresses and names as remote, without asking DNS", () => {
    for (const host of ["192.0.2.7", "[2001:db8::1]", "seedbox.example", "128.0.0.1"])
      assert.equal(isLocalHost(host), false, host);
  });
});

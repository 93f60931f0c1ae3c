import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HostParseError } from "./errors.ts";
import { parseNetDev } from "./proc-net-dev.ts";

// Captured on this project's test VM (Linux 6.18).
const CAPTURED = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  392560    1603    0    0    0     0          0         0   392560    1603    0    0    0     0       0          0
  ifb0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
  ifb1:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
  eth0: 679738566   20811    0    0    0     0          0         0  2070997   14104    0    0    0     0       0          0
`;

describe("parseNetDev", () => {
  it("reads every interface of a capture, loopback included", () => {
    const devices = parseNetDev(CAPTURED);
    assert.deepEqual(
      devices.map((d) => d.name),
      ["lo", "ifb0", "ifb1", "eth0"],
    );
    assert.deepEqual(devices[3], {
      name: "eth0",
      receiveBytes: 679738566,
      receivePackets: 20811,
      receiveErrors: 0,
      receiveDrops: 0,
      receiveFifoErrors: 0,
      receiveFrameErrors: 0,
      receiveCompressed: 0,
      receiveMulticast: 0,
      transmitBytes: 2070997,
      transmitPackets: 14104,
      transmitErrors: 0,
      transmitDrops: 0,
      transmitFifoErrors: 0,
      collisions: 0,
      transmitCarrierErrors: 0,
      transmitCompressed: 0,
    });
  });

  it("reads counters glued to the colon, as old kernels printed large ones", () => {
    const [eth] = parseNetDev("eth0:1234567890123 9 1 2 3 4 5 6 98765432109 8 7 6 5 4 3 2\n");
    assert.equal(eth?.receiveBytes, 1234567890123);
    assert.equal(eth?.transmitBytes, 98765432109);
    assert.equal(eth?.transmitCompressed, 2);
  });

  it("reads the names of bridges, VLANs, veths, WireGuard and Docker interfaces", () => {
    const names = ["br-5f2c1a9e0b7d", "eth0.100", "veth3a9f1c2", "wg0", "docker0", "enp3s0f1"];
    const text = names.map((n) => `${n}: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16`).join("\n");
    const devices = parseNetDev(text);
    assert.deepEqual(
      devices.map((d) => d.name),
      names,
    );
    assert.equal(devices[0]?.receiveDrops, 4);
    assert.equal(devices[0]?.transmitDrops, 12);
  });

  const bad: [string, string, RegExp][] = [
    ["a line without a colon", "eth0 1 2 3\n", /expected "<interface>: <counters>"/],
    ["missing counters", "eth0: 1 2 3 4 5 6 7 8\n", /expected 16 counters for eth0, got 8/],
    [
      "a word in a counter",
      "eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x\n",
      /transmitCompressed of eth0, got "x"/,
    ],
  ];
  for (const [what, text, message] of bad) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => parseNetDev(text),
        (error: unknown) =>
          error instanceof HostParseError &&
          error.file === "/proc/net/dev" &&
          message.test(error.message),
      );
    });
  }
});

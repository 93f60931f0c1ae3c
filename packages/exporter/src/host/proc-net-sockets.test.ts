import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HostParseError } from "./errors.ts";
import { tcpListenInodes, unixListenInodes } from "./proc-net-sockets.ts";

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0200007F:9C41 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1348032 1 0000000078040f7f 100 0 0 10 0
   1: 0100007F:A503 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1348371 1 000000000becdab9 100 0 0 10 0
   2: 0100007F:A503 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 1348999 1 000000000becdab9 20 4 30 10 -1
   3: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1350000 1 000000000becdab9 100 0 0 10 0
`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1351000 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:A665 0000000000000000FFFF00000100007F:BE6C 06 00000000:00000000 03:000005BE 00000000     0        0 0 3 000000006ea02673
`;

const UNIX = `Num       RefCount Protocol Flags    Type St Inode Path
000000004032a8d8: 00000002 00000000 00010000 0001 01 1351837 /tmp/rt/rpc.sock
00000000e833491f: 00000003 00000000 00000000 0001 03 1347973 /tmp/rt/rpc.sock
00000000c5805a3f: 00000002 00000000 00010000 0001 01 1351957 /tmp/other.sock
00000000603680c9: 00000003 00000000 00000000 0001 03 1349132
`;

describe("tcpListenInodes", () => {
  it("finds the listening sockets of a port, on any address, and not its connections", () => {
    assert.deepEqual(tcpListenInodes(TCP, 0xa503), new Set(["1348371"]));
    assert.deepEqual(tcpListenInodes(TCP, 8080), new Set(["1350000"]));
    assert.deepEqual(tcpListenInodes(TCP, 1), new Set());
  });

  it("reads tcp6, skipping sockets with inode 0", () => {
    assert.deepEqual(tcpListenInodes(TCP6, 8080, "/proc/net/tcp6"), new Set(["1351000"]));
    assert.deepEqual(tcpListenInodes(TCP6, 0xa665, "/proc/net/tcp6"), new Set());
  });

  it("rejects a line that is not a socket", () => {
    assert.throws(
      () => tcpListenInodes(`header\n   0: nonsense\n`, 80),
      (error: unknown) => error instanceof HostParseError && error.file === "/proc/net/tcp",
    );
  });
});

describe("unixListenInodes", () => {
  it("finds the listening socket at a path, not the connections to it", () => {
    assert.deepEqual(unixListenInodes(UNIX, "/tmp/rt/rpc.sock"), new Set(["1351837"]));
    assert.deepEqual(unixListenInodes(UNIX, "/tmp/none.sock"), new Set());
  });
});

#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --optimize-for-size --heap-growing-percent=50
// The seedwatch executable: wires process signals to the CLI and exits with its code.
// --optimize-for-size: V8 then sizes its heap for memory, not speed; at 100,000 torrents the
// daemon's steady resident size falls from about 360 MB to about 180 MB (npm run bench).
// --heap-growing-percent=50: that mode otherwise lets the heap grow by a tenth per full
// collection, so a first sync of 100,000 torrents ran 25 of them where 8 do; it cost about a
// third of the first sync's CPU and GC time in every steady poll, for a few MB resident
// (docs/troubleshooting.md has the figures).
// MALLOC_ARENA_MAX=2: glibc's allocator otherwise keeps an arena per thread (V8's and libuv's
// helpers), memory it rarely gives back: with 1,000 torrents it saves about 15 MB resident
// (npm run bench -- --suite small-box).

import { once } from "node:events";
import { run } from "./cli.ts";

const stop = Promise.race([once(process, "SIGTERM"), once(process, "SIGINT")]);
const code = await run(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stopSignal: stop,
  onReloadSignal: (reload) => process.on("SIGHUP", reload),
});
process.exit(code);

#!/usr/bin/env node
// The seedwatch command: entry point of the daemon's CLI.

console.log(`seedwatch: the torrent exporter daemon is not wired up yet.
Its metrics core, @seedwatch/metrics, is ready: see README.md.`);

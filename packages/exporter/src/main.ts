#!/usr/bin/env node
// The seedwatch executable: wires process signals to the CLI and exits with its code.

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

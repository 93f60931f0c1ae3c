// `seedwatch discover`: prints a complete seedwatch.yml for the torrent clients discovery finds on this machine.

import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { builtInConfig } from "./config/load.ts";
import { DISCOVER_FLAGS } from "./discover-flags.ts";
import { discoveredConfigFile } from "./discovery/config-lines.ts";
import { DiscoveredTargets } from "./discovery/discovered-targets.ts";
import { findClients } from "./discovery/find-clients.ts";
import { STATE_DATABASE_NAME, stateDirectory } from "./store/state-directory.ts";

/** Where the command writes, and the environment it reads (HOME, XDG_*: tests give their own). */
export interface DiscoverIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/**
 * Finds the clients as the daemon's discovery does (their configuration files, then their default
 * ports) and prints them as seedwatch.yml: the same names, the passwords referenced
 * (`password_file:` at the client's own file, or a `${VARIABLE}`), never copied. `--host H` tries
 * the default ports on another machine instead (its files are not this machine's to read).
 */
export async function runDiscover(argv: readonly string[], io: DiscoverIo): Promise<number> {
  let host = "127.0.0.1";
  try {
    host =
      (parseArgs({ args: [...argv], strict: true, options: DISCOVER_FLAGS }).values.host as
        | string
        | undefined) ?? host;
  } catch (error) {
    io.err(`seedwatch discover: ${(error as Error).message}\n`);
    return 2;
  }
  const env = io.env ?? process.env;
  const home = env.HOME || homedir();
  const findings = await findClients({
    env,
    home,
    readFiles: LOOPBACK.has(host),
    defaultPortsHost: host,
  });
  const storagePath = join(stateDirectory(env, home), STATE_DATABASE_NAME);
  const { found } = new DiscoveredTargets().update(findings, {
    configured: [],
    clientDefaults: builtInConfig(storagePath).clientDefaults,
    configFile: undefined,
    storagePath,
  });
  io.out(discoveredConfigFile(found, storagePath));
  return 0;
}

// The seedwatch command line: Prometheus-style flags; run() returns the process exit code.

import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config/load.ts";
import { checkSupported, Daemon } from "./daemon.ts";
import { fillCompileCache } from "./lazy-modules.ts";
import { createLogger, LOG_LEVELS, type LogFormat, type LogLevel } from "./log.ts";
import { parseDuration } from "./settings/duration.ts";
import { stateDirectory } from "./store/state-directory.ts";
import { VERSION } from "./version.ts";
import { DEFAULT_BCRYPT_COST, hashPassword } from "./web/hash-password.ts";

// The other commands are loaded only when asked for: the daemon, often on a small box, does not
// keep their modules (migrate, linxdot) resident.
import { WebConfigError } from "./web/web-config-error.ts";

/** The default listen address: outside Prometheus's (fully allocated) exporter range 9100-9999. */
export const DEFAULT_LISTEN_ADDRESS = ":8742";

export { DISCOVER_FLAGS } from "./discover-flags.ts";

/**
 * How often discovery looks again (a duration: `5s`), instead of every minute. Not a flag: for
 * tests, which cannot wait a minute for a client started later.
 */
export const DISCOVERY_INTERVAL_ENV = "SEEDWATCH_DISCOVERY_INTERVAL";

const USAGE = `usage: seedwatch [flags]            run the exporter daemon
       seedwatch discover [--host H] print a seedwatch.yml for the clients found on this machine
       seedwatch hash-password [--cost N]
                                    read a password on stdin, print its bcrypt hash for web-config.yml
       seedwatch linxdot [options]  the standalone Linxdot miner exporter (seedwatch linxdot --help)
       seedwatch migrate pt-exporter [--lang=en|zh-CN] [config.yaml]
                                    print the seedwatch.yml equivalent to a pt-exporter config.yaml

flags:
  --config.file=PATH         configuration file (default: seedwatch.yml; without one, seedwatch
                             watches the clients it finds on this machine, state in
                             $XDG_STATE_HOME/seedwatch or ~/.local/state/seedwatch)
  --config.check             validate the configuration, print problems, exit (0 ok, 1 bad)
  --web.listen-address=ADDR  address to listen on (default: ${DEFAULT_LISTEN_ADDRESS})
  --web.config.file=PATH     TLS and basic-auth configuration (Prometheus exporter-toolkit format)
  --log.level=LEVEL          debug, info, warn or error (default: info)
  --log.format=FORMAT        logfmt or json (default: logfmt)
  --help                     this text
  --version                  print the version

signals: SIGHUP reloads the configuration (as POST /-/reload does); SIGTERM/SIGINT stop.
`;

/** The daemon's flags (for run(), and for tests that check the commands the docs show). */
export const DAEMON_FLAGS = {
  "config.file": { type: "string" },
  "config.check": { type: "boolean" },
  "web.listen-address": { type: "string" },
  "web.config.file": { type: "string" },
  "log.level": { type: "string" },
  "log.format": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

/** Flags of `seedwatch hash-password`. */
export const HASH_PASSWORD_FLAGS = { cost: { type: "string" } } as const;

/** Where run() writes. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Resolves when the daemon should stop (signals in production, a test's trigger in tests). */
  readonly stopSignal?: Promise<unknown>;
  /** Called for SIGHUP-style reload requests in production. */
  readonly onReloadSignal?: (reload: () => void) => void;
  /** Standard input, for `hash-password` (the process's own by default). */
  readonly stdin?: () => Promise<string>;
  /** The environment (HOME, XDG_*, STATE_DIRECTORY; the process's own by default). */
  readonly env?: NodeJS.ProcessEnv;
}

const PROCESS_IO: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Runs the command line; resolves with the exit code. */
export async function run(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const [first] = argv;
  const env = io.env ?? process.env;
  if (first === "discover")
    return (await import("./discover.ts")).runDiscover(argv.slice(1), { ...io, env });
  if (first === "hash-password") return runHashPassword(argv.slice(1), io);
  if (first === "linxdot")
    return (await import("./linxdot-command.ts")).runLinxdot(argv.slice(1), io);
  if (first === "migrate")
    return (await import("./migrate/migrate-command.ts")).runMigrate(argv.slice(1), io);
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: DAEMON_FLAGS,
    }).values;
  } catch (error) {
    io.err(`seedwatch: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (values.version) {
    io.out(`seedwatch ${VERSION} (node ${process.version})\n`);
    await fillCompileCache();
    return 0;
  }
  const level = (values["log.level"] ?? "info") as LogLevel;
  const format = (values["log.format"] ?? "logfmt") as LogFormat;
  if (!LOG_LEVELS.includes(level)) {
    io.err(`seedwatch: --log.level must be one of ${LOG_LEVELS.join(", ")}\n`);
    return 2;
  }
  if (format !== "logfmt" && format !== "json") {
    io.err("seedwatch: --log.format must be logfmt or json\n");
    return 2;
  }
  const given = values["config.file"] as string | undefined;
  // No file named and none here: the built-in configuration (discovery, the state directory).
  const configFile = given ?? (existsSync("seedwatch.yml") ? "seedwatch.yml" : undefined);
  const interval = env[DISCOVERY_INTERVAL_ENV];
  const discoveryIntervalMs = interval === undefined ? undefined : parseDuration(interval);
  if (interval !== undefined && !(discoveryIntervalMs !== undefined && discoveryIntervalMs > 0)) {
    io.err(`seedwatch: ${DISCOVERY_INTERVAL_ENV} must be a duration such as 30s\n`);
    return 2;
  }
  if (values["config.check"]) {
    if (configFile === undefined) {
      io.out(
        `no seedwatch.yml: seedwatch runs on its built-in configuration (the clients it finds on this machine, state in ${stateDirectory(env)})\n`,
      );
      return 0;
    }
    try {
      checkSupported(loadConfig(configFile));
      io.out(`${configFile}: configuration is valid\n`);
      return 0;
    } catch (error) {
      io.err(
        `${error instanceof ConfigError ? error.problems.join("\n") : (error as Error).message}\n`,
      );
      return 1;
    }
  }
  const log = createLogger({ level, format, write: (line) => io.err(`${line}\n`) });
  let daemon: Daemon;
  try {
    daemon = await Daemon.start({
      configFile,
      env,
      ...(discoveryIntervalMs === undefined ? {} : { discoveryIntervalMs }),
      listenAddress: (values["web.listen-address"] as string | undefined) ?? DEFAULT_LISTEN_ADDRESS,
      ...(values["web.config.file"] === undefined
        ? {}
        : { webConfigFile: values["web.config.file"] as string }),
      log,
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) log.error("invalid configuration", { problem });
    } else if (error instanceof WebConfigError) {
      for (const line of error.message.split("\n"))
        log.error("invalid web configuration", { problem: line });
    } else {
      log.error("could not start", { err: error });
    }
    return 1;
  }
  io.onReloadSignal?.(() => void daemon.reload());
  await (io.stopSignal ?? new Promise(() => {}));
  log.info("shutting down");
  await daemon.stop();
  return 0;
}

async function runHashPassword(argv: readonly string[], io: CliIo): Promise<number> {
  let cost = DEFAULT_BCRYPT_COST;
  try {
    const raw = parseArgs({ args: [...argv], strict: true, options: HASH_PASSWORD_FLAGS }).values
      .cost;
    if (raw !== undefined) cost = Number(raw);
  } catch (error) {
    io.err(`seedwatch hash-password: ${(error as Error).message}\n`);
    return 2;
  }
  const input = await (io.stdin ?? readStdin)();
  const password = input.replace(/\r?\n$/, "");
  try {
    io.out(`${await hashPassword(password, cost)}\n`);
    return 0;
  } catch (error) {
    io.err(`seedwatch hash-password: ${(error as Error).message}\n`);
    return 2;
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    process.stderr.write("Password (input is shown; pipe it in to hide it): ");
  let text = "";
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (process.stdin.isTTY && text.includes("\n")) break;
  }
  return text;
}

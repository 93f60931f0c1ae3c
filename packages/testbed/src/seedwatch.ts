// The seedwatch daemon itself, started as a real process (node packages/exporter/src/main.ts) for end-to-end tests.

import { writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import { join } from "node:path";
import { freePort } from "@seedwatch/metrics/testing";
import { type Daemon, retryWhilePortsTaken, startDaemon, tempDir } from "./daemon.ts";
import { daemonLaunch, SEEDWATCH_MAIN as MAIN } from "./daemon-flags.ts";

/** An answer from seedwatch. */
export interface SeedwatchResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** How to reach a seedwatch that runs behind a web-config.yml. */
export interface SeedwatchAccess {
  /** PEM of the CA that signed its certificate: speak HTTPS. */
  readonly ca?: string;
  /** `user:password` for basic auth. */
  readonly auth?: string;
}

/** A running seedwatch. */
export interface Seedwatch {
  /** `http(s)://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The config file it reads (rewrite it, then reload). */
  readonly configFile: string;
  /** Its working directory (state database, files). */
  readonly dir: string;
  readonly daemon: Daemon;
  /** GET a path (over HTTPS and with credentials when started with them). */
  get(path: string, headers?: Record<string, string>): Promise<SeedwatchResponse>;
  /** Writes new config text (for a reload). */
  writeConfig(yaml: string): Promise<void>;
  /** Everything it printed so far (its log). */
  logs(): string;
  /** Stops the process; keeps the directory for a restart. */
  stop(): Promise<void>;
  /**
   * Kills the process with SIGKILL, as a crash or the OOM killer would (no shutdown, nothing
   * flushed), and resolves once it has exited; keeps the directory for a restart.
   */
  kill(): Promise<void>;
  /**
   * Starts a new process on the same directory, config and port, after stopping the running one
   * (SIGTERM), or killing it when `kill` is set (SIGKILL; the same as `kill()` then `restart()`).
   */
  restart(options?: { readonly kill?: boolean }): Promise<void>;
  /** Stops it and removes its directory. */
  remove(): Promise<void>;
}

/** Writes `configYaml` to a fresh directory and starts seedwatch there on a free loopback port. */
export async function startSeedwatch(
  configYaml: string,
  extraArgs: readonly string[] = [],
  access: SeedwatchAccess = {},
): Promise<Seedwatch> {
  const dir = await tempDir("seedwatch");
  const configFile = join(dir.path, "seedwatch.yml");
  await writeFile(configFile, configYaml);
  let port = 0;
  let url = "";
  const agent = access.ca === undefined ? undefined : new Agent({ ca: access.ca });
  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<SeedwatchResponse>((resolve, reject) => {
      const send = agent === undefined ? httpRequest : httpsRequest;
      const options = {
        headers,
        timeout: 30_000,
        ...(agent === undefined ? {} : { agent }),
        ...(access.auth === undefined ? {} : { auth: access.auth }),
      };
      const req = send(`${url}${path}`, options, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`GET ${path}: no answer in 30 s`)));
      req.on("error", reject);
      req.end();
    });
  const launch = () =>
    startDaemon({
      // Another test's process may take the port between freePort() and the bind; its answers
      // must not pass for this daemon's (a daemon that could not bind exits; the other one lives).
      listens: [port],
      name: "seedwatch",
      command: process.execPath,
      env: daemonLaunch().env,
      args: [
        ...daemonLaunch().nodeFlags,
        MAIN,
        `--config.file=${configFile}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...extraArgs,
      ],
      cwd: dir.path,
      ready: async () => (await get("/-/healthy").catch(() => undefined))?.status === 200,
    });
  let daemon = await retryWhilePortsTaken(async () => {
    port = await freePort();
    url = `${access.ca === undefined ? "http" : "https"}://127.0.0.1:${port}`;
    return launch();
  });
  let earlier = "";
  return {
    url,
    port,
    configFile,
    dir: dir.path,
    get daemon() {
      return daemon;
    },
    get,
    writeConfig: (yaml) => writeFile(configFile, yaml),
    logs: () => earlier + daemon.logs(),
    stop: () => daemon.stop(),
    kill: () => daemon.kill(),
    async restart(options = {}) {
      await (options.kill ? daemon.kill() : daemon.stop());
      earlier += daemon.logs();
      daemon = await launch();
    },
    async remove() {
      await daemon.stop();
      await dir.remove();
    },
  };
}

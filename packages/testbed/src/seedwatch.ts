// The seedwatch daemon itself, started as a real process (node packages/exporter/src/main.ts) for end-to-end tests.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@seedwatch/metrics/testing";
import { type Daemon, startDaemon, tempDir } from "./daemon.ts";

const MAIN = fileURLToPath(new URL("../../exporter/src/main.ts", import.meta.url));

/** A running seedwatch. */
export interface Seedwatch {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The config file it reads (rewrite it, then reload). */
  readonly configFile: string;
  /** Its working directory (state database, files). */
  readonly dir: string;
  readonly daemon: Daemon;
  /** GET a path; resolves with status, headers and body text. */
  get(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: string }>;
  /** Writes new config text (for a reload). */
  writeConfig(yaml: string): Promise<void>;
  /** Everything it printed so far (its log). */
  logs(): string;
  /** Stops the process; keeps the directory for a restart. */
  stop(): Promise<void>;
  /** Starts a new process on the same directory, config and port. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  remove(): Promise<void>;
}

/** Writes `configYaml` to a fresh directory and starts seedwatch there on a free loopback port. */
export async function startSeedwatch(
  configYaml: string,
  extraArgs: readonly string[] = [],
): Promise<Seedwatch> {
  const dir = await tempDir("seedwatch");
  const configFile = join(dir.path, "seedwatch.yml");
  await writeFile(configFile, configYaml);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const launch = () =>
    startDaemon({
      name: "seedwatch",
      command: process.execPath,
      args: [
        MAIN,
        `--config.file=${configFile}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...extraArgs,
      ],
      cwd: dir.path,
      ready: async () => (await fetch(`${url}/-/healthy`).catch(() => undefined))?.ok === true,
    });
  let daemon = await launch();
  let earlier = "";
  const handle: Seedwatch = {
    url,
    port,
    configFile,
    dir: dir.path,
    get daemon() {
      return daemon;
    },
    async get(path, headers = {}) {
      const res = await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(30_000) });
      return { status: res.status, headers: res.headers, body: await res.text() };
    },
    writeConfig: (yaml) => writeFile(configFile, yaml),
    logs: () => earlier + daemon.logs(),
    stop: () => daemon.stop(),
    async restart() {
      await daemon.stop();
      earlier += daemon.logs();
      daemon = await launch();
    },
    async remove() {
      await daemon.stop();
      await dir.remove();
    },
  };
  return handle;
}

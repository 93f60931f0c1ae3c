// Debian's real RabbitMQ on loopback, in its own temp dir with its own node name, ports, epmd and Erlang cookie.

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@seedwatch/metrics/testing";
import { type Daemon, startDaemon, tempDir } from "./daemon.ts";

const run = promisify(execFile);
const SERVER = process.env.RABBITMQ_SERVER ?? "/usr/lib/rabbitmq/bin/rabbitmq-server";
const CTL = process.env.RABBITMQ_CTL ?? "/usr/lib/rabbitmq/bin/rabbitmqctl";
// "AMQP" 0 0 9 1: the protocol header a client sends first; the broker answers Connection.Start.
const PROTOCOL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);

/** One queue as `rabbitmqctl list_queues` reports it. */
export interface QueueInfo {
  readonly name: string;
  /** Ready plus unacknowledged messages. */
  readonly messages: number;
  readonly messagesUnacknowledged: number;
  readonly consumers: number;
}

/** A running RabbitMQ broker. */
export interface RabbitMQ {
  readonly host: string;
  /** AMQP port. */
  readonly port: number;
  /** `amqp://host:port` (the default `guest` user, which RabbitMQ accepts from loopback). */
  readonly url: string;
  /** The Erlang node name, unique to this broker. */
  readonly nodeName: string;
  readonly daemon: Daemon;
  /** The Erlang port mapper started for this broker alone. */
  readonly epmd: Daemon;
  /** The broker's directory (config, database, logs, cookie). */
  readonly dir: string;
  /** Queues with their message and consumer counts, from `rabbitmqctl list_queues`. */
  queues(): Promise<QueueInfo[]>;
  /** Stops the broker and its epmd, and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts `rabbitmq-server` on 127.0.0.1 and free ports, with every file (config, database, logs,
 * Erlang cookie) in a fresh temporary directory. RabbitMQ starts an Erlang port mapper (epmd) if
 * none answers, and that one would outlive the test: so we start our own epmd first, on a
 * private port, and stop both. Starting takes a few seconds: do it once per test file.
 */
export async function startRabbitMQ(): Promise<RabbitMQ> {
  const host = "127.0.0.1";
  const dir = await tempDir("rabbitmq");
  const daemons: Daemon[] = [];
  const stopAll = async () => {
    for (const daemon of [...daemons].reverse()) await daemon.stop(20_000);
    await dir.remove();
  };
  try {
    const home = join(dir.path, "home");
    await mkdir(home);
    const cookie = join(home, ".erlang.cookie");
    await writeFile(cookie, randomBytes(20).toString("hex").toUpperCase());
    await chmod(cookie, 0o400);
    const [port, distPort, ctlPort, epmdPort] = (await distinctFreePorts(host, 4)) as [
      number,
      number,
      number,
      number,
    ];
    await writeFile(join(dir.path, "enabled_plugins"), "[].\n");
    await writeFile(
      join(dir.path, "rabbitmq.conf"),
      [
        `listeners.tcp.default = ${host}:${port}`,
        "disk_free_limit.absolute = 1MB",
        "log.console = true",
        "log.console.level = warning",
        "log.file.level = info",
        "",
      ].join("\n"),
    );
    const nodeName = `seedwatch-${randomBytes(4).toString("hex")}@localhost`;
    const env: Record<string, string> = {
      HOME: home,
      ERL_EPMD_PORT: String(epmdPort),
      ERL_EPMD_ADDRESS: host,
      RABBITMQ_NODENAME: nodeName,
      RABBITMQ_NODE_IP_ADDRESS: host,
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_CTL_DIST_PORT_MIN: String(ctlPort),
      RABBITMQ_CTL_DIST_PORT_MAX: String(ctlPort),
      RABBITMQ_BASE: dir.path,
      RABBITMQ_MNESIA_BASE: join(dir.path, "mnesia"),
      RABBITMQ_LOG_BASE: join(dir.path, "log"),
      RABBITMQ_CONFIG_FILE: join(dir.path, "rabbitmq.conf"),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(dir.path, "advanced.config"),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir.path, "enabled_plugins"),
      RABBITMQ_PID_FILE: join(dir.path, "rabbitmq.pid"),
      // A file that does not exist, so the machine's /etc/rabbitmq/rabbitmq-env.conf is not read.
      RABBITMQ_CONF_ENV_FILE: join(dir.path, "rabbitmq-env.conf"),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
    };
    daemons.push(
      await startDaemon({
        name: `epmd ${host}:${epmdPort}`,
        command: "epmd",
        args: ["-port", String(epmdPort)],
        env: { ERL_EPMD_ADDRESS: host },
        cwd: dir.path,
        ready: () => answers(host, epmdPort, undefined),
      }),
    );
    daemons.push(
      await startDaemon({
        name: `rabbitmq ${nodeName} ${host}:${port}`,
        command: SERVER,
        args: [],
        env,
        cwd: dir.path,
        ready: () => answers(host, port, PROTOCOL_HEADER),
        readyTimeoutMs: 90_000,
      }),
    );
    const [epmd, daemon] = daemons as [Daemon, Daemon];
    return {
      host,
      port,
      url: `amqp://${host}:${port}`,
      nodeName,
      daemon,
      epmd,
      dir: dir.path,
      async queues() {
        const { stdout } = await run(
          CTL,
          [
            "-q",
            "list_queues",
            "--no-table-headers",
            "name",
            "messages",
            "messages_unacknowledged",
            "consumers",
          ],
          { env: { ...process.env, ...env }, timeout: 60_000 },
        );
        return parseQueues(stdout);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Parses `rabbitmqctl list_queues name messages messages_unacknowledged consumers` output. */
export function parseQueues(text: string): QueueInfo[] {
  const queues: QueueInfo[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const fields = line.split("\t");
    const [name = "", messages, unacked, consumers] = fields;
    const numbers = [messages, unacked, consumers].map(Number);
    if (fields.length !== 4 || numbers.some((n) => !Number.isInteger(n))) {
      throw new Error(`unexpected rabbitmqctl list_queues line: ${JSON.stringify(line)}`);
    }
    const [m, u, c] = numbers as [number, number, number];
    queues.push({ name, messages: m, messagesUnacknowledged: u, consumers: c });
  }
  return queues;
}

async function distinctFreePorts(host: string, count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort(host));
  return [...ports];
}

/**
 * Whether something accepts a TCP connection on `host:port` and, when `hello` is given, answers
 * it with at least one byte. The AMQP listener opens last during boot, so an answer means ready.
 */
function answers(host: string, port: number, hello: Buffer | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => {
      if (hello === undefined) done(true);
      else socket.write(hello);
    });
    // Frame type 1 (a method frame: Connection.Start).
    socket.once("data", (chunk: Buffer) => done(chunk[0] === 1));
  });
}

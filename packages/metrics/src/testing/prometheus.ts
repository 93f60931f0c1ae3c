// Test helper: a real Prometheus server (Debian's `prometheus`) scraping loopback targets.

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "./ports.ts";

/** One scrape job. */
export interface ScrapeJob {
  readonly job: string;
  /** `host:port` on loopback. */
  readonly target: string;
  readonly path?: string;
  readonly params?: Readonly<Record<string, readonly string[]>>;
}

/** A running Prometheus. */
export interface PrometheusServer {
  readonly url: string;
  /** Instant query; returns the result vector. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** The active targets as `/api/v1/targets` reports them. */
  targets(): Promise<Array<{ labels: Record<string, string>; health: string; lastError: string }>>;
  /** Waits until every target was scraped successfully at least once. */
  waitUntilAllUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus on a free loopback port with a fresh data directory, scraping `jobs` every
 * `interval`. Throws if the binary is missing: these tests must run, never be skipped.
 */
export async function startPrometheus(
  jobs: readonly ScrapeJob[],
  interval = "1s",
): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), "seedwatch-prometheus-"));
  const port = await freePort();
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: jobs.map((job) => ({
      job_name: job.job,
      metrics_path: job.path ?? "/metrics",
      ...(job.params ? { params: job.params } : {}),
      static_configs: [{ targets: [job.target] }],
    })),
  };
  await writeFile(join(dir, "prometheus.yml"), JSON.stringify(config));
  const child: ChildProcess = spawn(
    process.env.PROMETHEUS ?? "prometheus",
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const spawnError = once(child, "error").then(([error]) => {
    throw (error as NodeJS.ErrnoException).code === "ENOENT"
      ? new Error("prometheus not found: install Debian's prometheus package")
      : error;
  });
  const url = `http://127.0.0.1:${port}`;
  const api = async (path: string) => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status: string; data: unknown; error?: string };
    if (body.status !== "success")
      throw new Error(`prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      spawnError,
      waitFor("prometheus to be ready", async () =>
        (await fetch(`${url}/-/ready`)).ok ? true : undefined,
      ),
    ]);
  } catch (error) {
    await stop();
    throw new Error(`prometheus did not start: ${(error as Error).message}\n${log}`, {
      cause: error,
    });
  }
  const server: PrometheusServer = {
    url,
    query: async (expr) =>
      ((await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as { result: never }).result,
    targets: async () =>
      ((await api("/api/v1/targets?state=active")) as { activeTargets: never }).activeTargets,
    waitUntilAllUp: async (timeoutMs = 30_000) => {
      await waitFor(
        "every target to be up",
        async () => {
          const targets = await server.targets();
          const down = targets.filter((t) => t.health !== "up");
          if (targets.length === jobs.length && down.length === 0) return true;
          if (down.some((t) => t.lastError !== "")) {
            throw new Error(down.map((t) => `${t.labels.job}: ${t.lastError}`).join("; "));
          }
          return undefined;
        },
        { timeoutMs },
      );
    },
    stop,
  };
  return server;
}

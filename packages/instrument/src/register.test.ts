// `node --import @seedwatch/instrument/register`: fresh processes configured by environment, read through their /metrics.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { assertPromtoolClean, freePort, freePortRun, waitFor } from "@seedwatch/metrics/testing";
import { counts, histogramSeries } from "./test-support.ts";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Starts `node --import @seedwatch/instrument/register <app>` with these variables. */
function launch(app: string, env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ["--import", "@seedwatch/instrument/register", fixture(app)],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

async function refused(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/metrics`);
    return false;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED";
  }
}

describe("the register entry point", { timeout: 60_000 }, () => {
  it("measures a CommonJS Express app with its route templates, served on the app's port", async () => {
    const port = await freePort();
    const app = launch("express-app.cts", {
      SEEDWATCH_SYSCODE: "r000000001",
      APP_PORT: String(port),
    });
    try {
      await waitFor("the app to listen", () =>
        app.stdout().includes("listening") ? true : undefined,
      );
      for (const id of ["1", "2", "3"]) {
        await (
          await fetch(`http://127.0.0.1:${port}/users/${id}`, { headers: { "user-agent": "t" } })
        ).json();
      }
      const text = await waitFor("three requests recorded", async () => {
        const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return histogramSeries(body, "R000000001_inner_metrics")[0]?.count === 3 ? body : undefined;
      });
      assert.deepEqual(counts(histogramSeries(text, "R000000001_inner_metrics")), [
        {
          labels: {
            appid: "R000",
            application: "R000000001",
            f_code: "t",
            path: "/users/:id",
            http_status: "200",
            code: "OK",
            method_code: "",
          },
          count: 3,
        },
      ]);
      await assertPromtoolClean(text);
      assert.equal(app.stderr(), "");
    } finally {
      await app.stop();
    }
  });

  it("serves a process without an HTTP server on its own port, and never keeps it alive", async () => {
    const port = await freePort();
    const app = launch("idle-app.ts", {
      SEEDWATCH_SYSCODE: "R000000001",
      SEEDWATCH_METRICS_PORT: String(port),
      SEEDWATCH_METRICS_HOST: "127.0.0.1",
      SEEDWATCH_APP_SERVER_WAIT_MS: "100",
      IDLE_MS: "3000",
    });
    try {
      const response = await waitFor("the metrics server", async () => {
        const r = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      });
      assert.equal(
        response.headers.get("content-type"),
        "text/plain; version=0.0.4; charset=utf-8",
      );
      assert.match(
        await response.text(),
        /^seedwatch_instrument_dropped_series_total\{metric="R000000001_inner_metrics"\} 0$/m,
      );
      const other = await fetch(`http://127.0.0.1:${port}/other`);
      assert.equal(other.status, 404);
      await other.text();
      // Its own timer done, the app ends by itself: our server does not hold it.
      assert.equal(await app.exited, 0);
      assert.equal(app.stdout(), "idle\ndone\n");
    } finally {
      await app.stop();
    }
  });

  it("starts no server of its own when the app starts one in time", async () => {
    const [appPort, metricsPort] = [await freePort(), await freePort()];
    const app = launch("express-app.cts", {
      SEEDWATCH_SYSCODE: "R000000001",
      SEEDWATCH_METRICS_PORT: String(metricsPort),
      SEEDWATCH_APP_SERVER_WAIT_MS: "3000",
      APP_PORT: String(appPort),
    });
    try {
      await waitFor("the app to listen", () =>
        app.stdout().includes("listening") ? true : undefined,
      );
      // The app listened before the wait was over; once it is over, nothing is on our port.
      await sleep(3500);
      assert.equal(await refused(metricsPort), true);
      assert.equal((await fetch(`http://127.0.0.1:${appPort}/metrics`)).status, 200);
    } finally {
      await app.stop();
    }
  });

  it("says why it does not start, and the app runs as if it were not there", async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { SEEDWATCH_SYSCODE: "12345" },
        /syscode: expected a letter followed by 9 digits \(like A123456789\), got "12345"/,
      ],
      [{ SEEDWATCH_SYSCODE: "" }, /SEEDWATCH_SYSCODE: not set/],
      [
        { SEEDWATCH_SYSCODE: "A123456789", SEEDWATCH_PARTNERS: "[" },
        /SEEDWATCH_PARTNERS: expected a JSON object of partners/,
      ],
    ];
    for (const [env, message] of cases) {
      const port = await freePort();
      const app = launch("express-app.cts", { ...env, APP_PORT: String(port) });
      try {
        await waitFor("the app to listen", () =>
          app.stdout().includes("listening") ? true : undefined,
        );
        assert.match(app.stderr(), /^@seedwatch\/instrument: not started: /);
        assert.match(app.stderr(), message);
        assert.equal(app.stderr().split("\n").length, 2, app.stderr());
        assert.deepEqual(await (await fetch(`http://127.0.0.1:${port}/users/7`)).json(), {
          code: "OK",
          id: "7",
        });
        assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 404);
      } finally {
        await app.stop();
      }
    }
  });

  it("reports a metrics port already taken, and the app carries on", async () => {
    const taken = createServer();
    taken.listen(0, "127.0.0.1");
    await once(taken, "listening");
    const port = (taken.address() as { port: number }).port;
    const app = launch("idle-app.ts", {
      SEEDWATCH_SYSCODE: "R000000001",
      SEEDWATCH_METRICS_PORT: String(port),
      SEEDWATCH_METRICS_HOST: "127.0.0.1",
      SEEDWATCH_APP_SERVER_WAIT_MS: "0",
      IDLE_MS: "500",
    });
    try {
      assert.equal(await app.exited, 0);
      assert.match(
        app.stderr(),
        new RegExp(
          `^@seedwatch/instrument: metrics server on port ${port}: Error: listen EADDRINUSE`,
        ),
      );
      assert.equal(app.stdout(), "idle\ndone\n");
    } finally {
      taken.close();
      await app.stop();
    }
  });

  it("gives each cluster worker its own metrics port, and leaves the shared port to the app", async () => {
    // The metrics base, the two workers' ports after it, and the app's port: four free in a row.
    const base = await freePortRun(4);
    const appPort = base + 3;
    const app = launch("cluster-app.ts", {
      SEEDWATCH_SYSCODE: "K000000001",
      SEEDWATCH_METRICS_PORT: String(base),
      SEEDWATCH_METRICS_HOST: "127.0.0.1",
      SEEDWATCH_APP_SERVER_WAIT_MS: "0",
      APP_PORT: String(appPort),
    });
    try {
      await waitFor("both workers to listen", () =>
        app.stdout().includes("ready") ? true : undefined,
      );
      const workers = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const body = (await (await fetch(`http://127.0.0.1:${appPort}/job`)).json()) as {
          worker: number;
        };
        workers.add(body.worker);
      }
      // The shared port is the app's: its /metrics is the app's answer.
      const shared = (await (await fetch(`http://127.0.0.1:${appPort}/metrics`)).json()) as {
        code: string;
      };
      assert.equal(shared.code, "C");
      const perWorker = await waitFor("every request recorded by some worker", async () => {
        const found = await Promise.all(
          [1, 2].map(async (id) => {
            const text = await (await fetch(`http://127.0.0.1:${base + id}/metrics`)).text();
            return histogramSeries(text, "K000000001_inner_metrics").filter(
              (s) => s.labels.path === "/job",
            );
          }),
        );
        const total = found.flat().reduce((n, s) => n + s.count, 0);
        return total === 20 ? found : undefined;
      }).catch((error: Error) => {
        throw new Error(`${error.message}; the app's stderr: ${app.stderr()}`, { cause: error });
      });
      assert.deepEqual(
        perWorker.map((series) => series.map((s) => s.labels.code)),
        [1, 2].map((id) => (workers.has(id) ? ["C"] : [])),
      );
      // The primary serves nothing it measured itself: it handles no requests.
      const primary = await (await fetch(`http://127.0.0.1:${base}/metrics`)).text();
      assert.deepEqual(histogramSeries(primary, "K000000001_inner_metrics"), []);
    } finally {
      await app.stop();
    }
  });
});

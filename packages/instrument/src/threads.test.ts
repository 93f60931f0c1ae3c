// worker_threads: every thread records into the main thread's histograms (shared memory), one set for all.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { partnerServer } from "./fixtures/partner-server.ts";
import { init } from "./index.ts";
import { close, counts, histogramSeries, listen } from "./test-support.ts";

const WORKER = new URL("./fixtures/threads-worker.ts", import.meta.url);
const APP = fileURLToPath(new URL("./fixtures/threads-app.ts", import.meta.url));

function partnerSeries(syscode: string, count: number) {
  return {
    labels: {
      appid: syscode.slice(0, 4),
      application: syscode,
      partner: "p",
      action_code: "401",
      http_status: "200",
      code: "0",
    },
    count,
  };
}

function jobSeries(syscode: string, topic: string, count: number) {
  return {
    labels: { appid: syscode.slice(0, 4), application: syscode, f_code: "", topic, code: "0" },
    count,
  };
}

describe("worker threads", { timeout: 60_000 }, () => {
  const partner = partnerServer();
  let url: string;
  let port: string;

  before(async () => {
    url = await listen(partner);
    port = new URL(url).port;
  });
  after(() => close(partner));

  it("attach to the histograms of the thread that started them, with its options", async () => {
    const instrument = init({
      syscode: "W000000001",
      metricsPort: false,
      partners: { [`127.0.0.1:${port}`]: { partner: "p", paths: { "/ocr/front": 401 } } },
    });
    try {
      await measureInMain(url);
      const workers = Array.from(
        { length: 3 },
        () => new Worker(WORKER, { workerData: { url, jobs: 5 } }),
      );
      const exits = workers.map((w) => once(w, "exit"));
      const answers = await Promise.all(workers.map(async (w) => (await once(w, "message"))[0]));
      await Promise.all(exits);
      assert.deepEqual(answers, Array(3).fill({ syscode: "W000000001", owner: false }));
      // The workers have exited: what they recorded lives on in the main thread's memory.
      const text = await instrument.metrics();
      assert.deepEqual(counts(histogramSeries(text, "partner_http_metrics")), [
        partnerSeries("W000000001", 16),
      ]);
      assert.deepEqual(counts(histogramSeries(text, "W000000001_consumer_metrics")), [
        jobSeries("W000000001", "thread-jobs", 16),
      ]);
    } finally {
      await instrument.close();
    }
  });

  it("are instrumented by --import too, and the app's /metrics shows every thread", async () => {
    const appPort = await freePort();
    const child = spawn(process.execPath, ["--import", "@seedwatch/instrument/register", APP], {
      env: {
        ...process.env,
        SEEDWATCH_SYSCODE: "T000000001",
        SEEDWATCH_PARTNERS: JSON.stringify({
          [`127.0.0.1:${port}`]: { partner: "p", paths: { "/ocr/front": 401 } },
        }),
        SEEDWATCH_METRICS_PORT: "off",
        APP_PORT: String(appPort),
        PARTNER_URL: url,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    try {
      await waitFor("the workers to finish", () => (output.includes("done 8") ? true : undefined));
      const text = await (await fetch(`http://127.0.0.1:${appPort}/metrics`)).text();
      assert.deepEqual(counts(histogramSeries(text, "partner_http_metrics")), [
        partnerSeries("T000000001", 8),
      ]);
      assert.deepEqual(counts(histogramSeries(text, "T000000001_consumer_metrics")), [
        jobSeries("T000000001", "app-jobs", 8),
      ]);
      assert.equal(output, "done 8\n");
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });
});

async function measureInMain(url: string): Promise<void> {
  const { measureConsumer } = await import("./index.ts");
  await measureConsumer("thread-jobs", async () => 1)();
  await (await fetch(`${url}/ocr/front`)).json();
}

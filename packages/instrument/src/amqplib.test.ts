// amqplib consumers against a real RabbitMQ: exact consumer series, amqplib's own behaviour unchanged, ESM and CJS apps.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { type RabbitMQ, startRabbitMQ } from "@seedwatch/testbed/rabbitmq";
import amqp from "amqplib";
import callbackApi from "amqplib/callback_api";
import { type Instrument, init, measureConsumer } from "./index.ts";
import { atLeast, counts, histogramSeries } from "./test-support.ts";

const CONSUMER = "Q000000001_consumer_metrics";
const APP = fileURLToPath(new URL("./fixtures/consumer-app.cts", import.meta.url));

function series(topic: string, code: 0 | 1, count: number) {
  return {
    labels: { appid: "Q000", application: "Q000000001", f_code: "", topic, code: String(code) },
    count,
  };
}

async function consumed(instrument: Instrument, total: number) {
  return waitFor(`${total} messages consumed`, async () => {
    const found = histogramSeries(await instrument.metrics(), CONSUMER);
    return found.reduce((n, s) => n + s.count, 0) >= total ? found : undefined;
  });
}

describe("amqplib consumers against a real RabbitMQ", { timeout: 180_000 }, () => {
  let broker: RabbitMQ;
  let connection: amqp.ChannelModel;

  before(async () => {
    broker = await startRabbitMQ();
    connection = await amqp.connect(broker.url);
  });
  after(async () => {
    await connection?.close();
    await broker?.stop();
  });

  it("measures promise-API consumers: noAck, ack, nack, reject, ack of all up to", async () => {
    // amqplib was imported before init(): it is found among the modules already loaded.
    const instrument = init({ syscode: "Q000000001", metricsPort: false });
    const channel = await connection.createChannel();
    try {
      const queues = ["q-noack", "q-ack", "q-nack", "q-reject", "q-upto"];
      for (const queue of queues) await channel.assertQueue(queue, { durable: false });
      const seen: string[] = [];
      await channel.consume("q-noack", (m) => void seen.push(m?.content.toString() ?? ""), {
        noAck: true,
      });
      await channel.consume("q-ack", async (m) => {
        await new Promise((resolve) => setImmediate(resolve));
        if (m) channel.ack(m);
      });
      await channel.consume("q-nack", (m) => m && channel.nack(m, false, false));
      await channel.consume("q-reject", (m) => m && channel.reject(m, false));
      // Delivery tags are per channel, and acking "all up to" one of them acks them all: so
      // that consumer has a channel of its own.
      const upto = await connection.createChannel();
      const held: amqp.ConsumeMessage[] = [];
      await upto.consume("q-upto", (m) => {
        if (m) held.push(m);
        if (held.length === 3) upto.ack(held[2] as amqp.ConsumeMessage, true);
      });
      const sends: Array<[string, number]> = [
        ["q-noack", 3],
        ["q-ack", 2],
        ["q-nack", 2],
        ["q-reject", 1],
        ["q-upto", 3],
      ];
      for (const [queue, n] of sends) {
        for (let i = 0; i < n; i++) channel.sendToQueue(queue, Buffer.from(`${queue}-${i}`));
      }
      const found = await consumed(instrument, 11);
      assert.deepEqual(counts(found), [
        series("q-ack", 0, 2),
        series("q-nack", 1, 2),
        series("q-noack", 0, 3),
        series("q-reject", 1, 1),
        series("q-upto", 0, 3),
      ]);
      assert.deepEqual(seen, ["q-noack-0", "q-noack-1", "q-noack-2"]);
      // The broker agrees: every message was settled, nothing is left or unacknowledged.
      const listed = (await broker.queues()).filter((q) => queues.includes(q.name));
      assert.deepEqual(
        listed.map((q) => [q.name, q.messages, q.messagesUnacknowledged]).sort(),
        queues.map((q) => [q, 0, 0]).sort(),
      );
      await upto.close();
    } finally {
      await channel.close();
      await instrument.close();
    }
  });

  it("lets a throwing handler close its channel exactly as amqplib does, and counts a failure", async () => {
    const instrument = init({ syscode: "Q000000001", metricsPort: false });
    const channel = await connection.createChannel();
    try {
      await channel.assertQueue("q-throw", { durable: false });
      const thrown = new Error("handler failed");
      const errors: unknown[] = [];
      channel.on("error", (error: unknown) => errors.push(error));
      // Not events.once: it rejects on the 'error' event that comes first.
      const closed = new Promise((resolve) => channel.once("close", resolve));
      await channel.consume("q-throw", () => {
        throw thrown;
      });
      channel.sendToQueue("q-throw", Buffer.from("x"));
      await closed;
      // amqplib emits the handler's own error object: nothing was caught or wrapped on the way.
      assert.deepEqual(errors, [thrown]);
      assert.deepEqual(counts(await consumed(instrument, 1)), [series("q-throw", 1, 1)]);
    } finally {
      await instrument.close();
    }
  });

  it("counts messages left unsettled when their channel closes as failures", async () => {
    const instrument = init({ syscode: "Q000000001", metricsPort: false });
    const channel = await connection.createChannel();
    try {
      await channel.assertQueue("q-unsettled", { durable: false });
      let received = 0;
      await channel.consume("q-unsettled", () => {
        received++;
      });
      channel.sendToQueue("q-unsettled", Buffer.from("a"));
      channel.sendToQueue("q-unsettled", Buffer.from("b"));
      await waitFor("both delivered", () => (received === 2 ? true : undefined));
      assert.deepEqual(histogramSeries(await instrument.metrics(), CONSUMER), []);
      await channel.close();
      assert.deepEqual(counts(await consumed(instrument, 2)), [series("q-unsettled", 1, 2)]);
    } finally {
      await instrument.close();
    }
  });

  it("times a message from delivery until it is acked", async () => {
    const instrument = init({ syscode: "Q000000001", metricsPort: false });
    const channel = await connection.createChannel();
    try {
      await channel.assertQueue("q-slow", { durable: false });
      await channel.consume("q-slow", (m) => {
        if (m) void atLeast(250).then(() => channel.ack(m));
      });
      channel.sendToQueue("q-slow", Buffer.from("x"));
      const [slow] = await consumed(instrument, 1);
      assert.deepEqual(slow?.labels, series("q-slow", 0, 1).labels);
      // Acked 250 ms after delivery: not in the 100 or 200 ms buckets.
      assert.equal(slow?.buckets["200.0"], 0);
      assert.ok((slow?.sum ?? 0) >= 250, `sum ${slow?.sum}`);
    } finally {
      await channel.close();
      await instrument.close();
    }
  });

  it("measures callback-API consumers", async () => {
    const instrument = init({ syscode: "Q000000001", metricsPort: false });
    const conn = await new Promise<callbackApi.Connection>((resolve, reject) => {
      callbackApi.connect(broker.url, (error: unknown, c: callbackApi.Connection) =>
        error ? reject(error) : resolve(c),
      );
    });
    try {
      const channel = await new Promise<callbackApi.Channel>((resolve, reject) => {
        conn.createChannel((error: unknown, c: callbackApi.Channel) =>
          error ? reject(error) : resolve(c),
        );
      });
      channel.assertQueue("q-callback", { durable: false });
      channel.consume("q-callback", (m) => {
        if (m === null) return;
        if (m.content.toString() === "good") channel.ack(m);
        else channel.nack(m, false, false);
      });
      channel.sendToQueue("q-callback", Buffer.from("good"));
      channel.sendToQueue("q-callback", Buffer.from("bad"));
      assert.deepEqual(counts(await consumed(instrument, 2)), [
        series("q-callback", 0, 1),
        series("q-callback", 1, 1),
      ]);
    } finally {
      await new Promise((resolve) => conn.close(resolve));
      await instrument.close();
    }
  });

  it("measures a CommonJS app started with --import, and serves it on the metrics port", async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ["--import", "@seedwatch/instrument/register", APP, broker.url, "q-cjs"],
      {
        env: {
          ...process.env,
          SEEDWATCH_SYSCODE: "q000000001",
          SEEDWATCH_METRICS_PORT: String(port),
          SEEDWATCH_METRICS_HOST: "127.0.0.1",
          SEEDWATCH_APP_SERVER_WAIT_MS: "0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    try {
      await waitFor("the app to consume", () => (output.includes("consuming") ? true : undefined));
      const channel = await connection.createChannel();
      for (const body of ["ok", "ok", "ok", "bad"]) channel.sendToQueue("q-cjs", Buffer.from(body));
      await channel.close();
      const found = await waitFor("the app's metrics", async () => {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`);
        const text = await response.text();
        const parsed = histogramSeries(text, CONSUMER);
        return parsed.reduce((n, s) => n + s.count, 0) >= 4 ? parsed : undefined;
      });
      assert.deepEqual(counts(found), [series("q-cjs", 0, 3), series("q-cjs", 1, 1)]);
      assert.equal(output.includes("@seedwatch/instrument"), false, output);
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });
});

describe("measureConsumer", () => {
  it("measures any handler: results, throws and rejections pass through unchanged", async () => {
    const instrument = init({ syscode: "Q000000001", metricsPort: false });
    try {
      const ok = measureConsumer("t-sync", (x: number) => x * 2);
      assert.equal(ok(21), 42);
      const error = new Error("nope");
      const throws = measureConsumer("t-throw", () => {
        throw error;
      });
      assert.throws(
        () => throws(),
        (e) => e === error,
      );
      const rejects = measureConsumer("t-async", async (fail: boolean) => {
        if (fail) throw error;
        return "done";
      });
      assert.equal(await rejects(false), "done");
      await assert.rejects(rejects(true), (e) => e === error);
      // The original's convention: a worker returning 0 succeeded, anything else failed.
      const zero = measureConsumer("t-zero", (r: number) => r, { succeeded: (r) => r === 0 });
      zero(0);
      zero(1);
      assert.deepEqual(counts(await consumed(instrument, 6)), [
        series("t-async", 0, 1),
        series("t-async", 1, 1),
        series("t-sync", 0, 1),
        series("t-throw", 1, 1),
        series("t-zero", 0, 1),
        series("t-zero", 1, 1),
      ]);
    } finally {
      await instrument.close();
    }
  });

  it("rejects a bad topic or handler with a clear error", () => {
    assert.throws(
      () => measureConsumer(5 as unknown as string, () => {}),
      /topic must be a string, got number/,
    );
    assert.throws(
      () => measureConsumer("t", "x" as unknown as () => void),
      /handler must be a function, got string/,
    );
  });
});

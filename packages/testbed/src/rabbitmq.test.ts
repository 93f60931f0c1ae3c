// Tests of startRabbitMQ against Debian's real RabbitMQ: AMQP works, rabbitmqctl sees it, stop cleans up.

import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import amqp from "amqplib";
import { parseQueues, type RabbitMQ, startRabbitMQ } from "./rabbitmq.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("startRabbitMQ", { timeout: 180_000 }, () => {
  let broker: RabbitMQ;

  before(async () => {
    broker = await startRabbitMQ();
  });
  after(async () => {
    await broker?.stop();
  });

  it("accepts AMQP on loopback, and rabbitmqctl reports the queue's messages", async () => {
    assert.match(broker.url, /^amqp:\/\/127\.0\.0\.1:\d+$/);
    assert.match(broker.nodeName, /^seedwatch-[0-9a-f]{8}@localhost$/);
    const connection = await amqp.connect(broker.url);
    try {
      const channel = await connection.createChannel();
      await channel.assertQueue("testbed-q", { durable: false });
      channel.sendToQueue("testbed-q", Buffer.from("one"));
      channel.sendToQueue("testbed-q", Buffer.from("two"));
      await channel.checkQueue("testbed-q");
      const first = await channel.get("testbed-q", { noAck: false });
      assert.ok(first !== false);
      assert.equal(first.content.toString(), "one");
      const queues = await broker.queues();
      assert.deepEqual(
        queues.find((q) => q.name === "testbed-q"),
        { name: "testbed-q", messages: 2, messagesUnacknowledged: 1, consumers: 0 },
      );
      channel.ack(first);
      await channel.close();
    } finally {
      await connection.close();
    }
  });

  it("parses list_queues output and refuses lines it does not understand", () => {
    assert.deepEqual(parseQueues("a\t3\t1\t2\nb c\t0\t0\t0\n"), [
      { name: "a", messages: 3, messagesUnacknowledged: 1, consumers: 2 },
      { name: "b c", messages: 0, messagesUnacknowledged: 0, consumers: 0 },
    ]);
    assert.throws(() => parseQueues("a\tthree\t1\t2"), /unexpected rabbitmqctl list_queues line/);
  });
});

describe("startRabbitMQ stop", { timeout: 180_000 }, () => {
  it("stops the broker and its epmd, and removes its directory", async () => {
    const broker = await startRabbitMQ();
    const pids = [broker.daemon.pid, broker.epmd.pid];
    assert.deepEqual(pids.map(alive), [true, true]);
    await access(broker.dir);
    await broker.stop();
    assert.deepEqual(pids.map(alive), [false, false]);
    await assert.rejects(access(broker.dir), { code: "ENOENT" });
  });
});

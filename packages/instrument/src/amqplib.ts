// amqplib (RabbitMQ) consumers, measured automatically: amqplib publishes no channel, so its Channel class is wrapped.

import type { EventEmitter } from "node:events";
// The global `performance` is a lazy getter that costs more than the clock read itself.
import { performance } from "node:perf_hooks";
import { isThenable, recordConsumed } from "./consumer.ts";
import { reportError } from "./report.ts";
import { current } from "./runtime.ts";

const kPatched = Symbol("seedwatch.patched");
const kDeliveries = Symbol("seedwatch.deliveries");
// Unacknowledged deliveries tracked per channel; past this (an app that never acks) new ones
// are recorded when their handler finishes.
const MAX_TRACKED = 65_536;

type Method = (this: unknown, ...args: unknown[]) => unknown;
type AmqpChannel = EventEmitter & { [kDeliveries]?: Map<number, Delivery> };
type AmqpMessage = { readonly fields?: { readonly deliveryTag?: unknown } } | null;

/** One message between its delivery to the handler and the moment it counts as consumed. */
interface Delivery {
  readonly start: number;
  readonly topic: string;
  handlerDone: boolean;
  settled: boolean;
  failed: boolean;
  recorded: boolean;
}

/** The module amqplib's `lib/channel_model.js` or `lib/callback_model.js` exports. */
export interface AmqplibModel {
  readonly Channel: { readonly prototype: Record<string | symbol, unknown> };
}

/** Whether `value` is one of amqplib's two channel models (promise or callback API). */
export function isAmqplibModel(value: unknown): value is AmqplibModel {
  if (value === null || typeof value !== "object") return false;
  const model = value as { Channel?: unknown; ChannelModel?: unknown; CallbackModel?: unknown };
  return (
    typeof model.Channel === "function" &&
    (typeof model.ChannelModel === "function" || typeof model.CallbackModel === "function") &&
    typeof (model.Channel as { prototype: { consume?: unknown } }).prototype.consume === "function"
  );
}

/**
 * Wraps `consume` so that each consumer's handler is measured, with the queue as `topic`, and
 * `ack`/`nack`/`reject`/`ackAll`/`nackAll` so that the outcome is known. A message counts as
 * consumed once its handler has finished (returned, or its promise settled) and, unless the
 * consumer is `noAck`, the message was acked, nacked or rejected (or its channel closed): the
 * duration runs from delivery to the later of the two. `code` is 1 when the handler threw or
 * rejected, or the message was nacked, rejected or left unsettled when the channel closed; else 0.
 * Every wrapper calls the original with the same arguments and returns or throws what it does.
 */
export function patchAmqplib(model: AmqplibModel): void {
  const proto = model.Channel.prototype;
  if (proto[kPatched] === true) return;
  proto[kPatched] = true;
  const consume = proto.consume as Method;
  proto.consume = function consumeMeasured(this: AmqpChannel, queue: unknown, callback: unknown) {
    // biome-ignore lint/complexity/noArguments: forwards exactly what the caller passed.
    const args = Array.prototype.slice.call(arguments) as unknown[];
    if (typeof callback === "function") {
      try {
        const options = args[2] as { noAck?: unknown } | undefined;
        const noAck = options !== null && typeof options === "object" && options.noAck === true;
        args[1] = measureHandler(this, String(queue), callback as Method, noAck);
      } catch (error) {
        reportError("measuring an amqplib consumer", error);
      }
    }
    return consume.apply(this, args);
  };
  wrapSettle(proto, "ack", false, "one");
  wrapSettle(proto, "nack", true, "one");
  wrapSettle(proto, "reject", true, "single");
  wrapSettle(proto, "ackAll", false, "all");
  wrapSettle(proto, "nackAll", true, "all");
}

function measureHandler(
  channel: AmqpChannel,
  topic: string,
  handler: Method,
  noAck: boolean,
): Method {
  return function onMessage(this: unknown, message: unknown) {
    // biome-ignore lint/complexity/noArguments: forwards exactly what the caller passed.
    const args = arguments as unknown as unknown[];
    // null: the server cancelled the consumer; nothing was consumed.
    if (message === null || current() === undefined) return handler.apply(this, args);
    const delivery = track(channel, topic, message as AmqpMessage, noAck);
    let result: unknown;
    try {
      result = handler.apply(this, args);
    } catch (error) {
      handlerDone(delivery, false);
      throw error;
    }
    if (isThenable(result)) {
      return result.then(
        (value) => {
          handlerDone(delivery, true);
          return value;
        },
        (error: unknown) => {
          handlerDone(delivery, false);
          throw error;
        },
      );
    }
    handlerDone(delivery, true);
    return result;
  };
}

function track(
  channel: AmqpChannel,
  topic: string,
  message: AmqpMessage,
  noAck: boolean,
): Delivery {
  const delivery: Delivery = {
    start: performance.now(),
    topic,
    handlerDone: false,
    settled: noAck,
    failed: false,
    recorded: false,
  };
  if (noAck) return delivery;
  try {
    const tag = message?.fields?.deliveryTag;
    const tracked = deliveries(channel);
    if (typeof tag === "number" && tracked.size < MAX_TRACKED) tracked.set(tag, delivery);
    else delivery.settled = true;
  } catch (error) {
    delivery.settled = true;
    reportError("tracking an amqplib delivery", error);
  }
  return delivery;
}

function deliveries(channel: AmqpChannel): Map<number, Delivery> {
  let tracked = channel[kDeliveries];
  if (tracked === undefined) {
    const map = new Map<number, Delivery>();
    tracked = map;
    channel[kDeliveries] = map;
    // Unsettled messages go back to the queue when the channel closes: they were not consumed.
    channel.once("close", () => settle(map, undefined, true));
  }
  return tracked;
}

function wrapSettle(
  proto: Record<string | symbol, unknown>,
  name: string,
  failed: boolean,
  scope: "one" | "single" | "all",
): void {
  const original = proto[name];
  if (typeof original !== "function") return;
  proto[name] = function settleMeasured(
    this: AmqpChannel,
    message?: AmqpMessage,
    allUpTo?: unknown,
  ) {
    // biome-ignore lint/complexity/noArguments: forwards exactly what the caller passed.
    const result = (original as Method).apply(this, arguments as unknown as unknown[]);
    try {
      const tracked = this[kDeliveries];
      if (tracked !== undefined && tracked.size > 0) {
        if (scope === "all") settle(tracked, undefined, failed);
        else {
          const tag = message?.fields?.deliveryTag;
          if (typeof tag === "number") {
            settle(
              tracked,
              scope === "one" && allUpTo === true ? { upTo: tag } : { only: tag },
              failed,
            );
          }
        }
      }
    } catch (error) {
      reportError(`measuring amqplib's ${name}`, error);
    }
    return result;
  };
}

function settle(
  tracked: Map<number, Delivery>,
  which: { only: number } | { upTo: number } | undefined,
  failed: boolean,
): void {
  if (which !== undefined && "only" in which) {
    const delivery = tracked.get(which.only);
    if (delivery === undefined) return;
    tracked.delete(which.only);
    settled(delivery, failed);
    return;
  }
  // amqplib's tag 0 with allUpTo means every outstanding message, as AMQP's multiple flag does.
  const limit = which === undefined || which.upTo === 0 ? Number.POSITIVE_INFINITY : which.upTo;
  for (const [tag, delivery] of tracked) {
    if (tag > limit) continue;
    tracked.delete(tag);
    settled(delivery, failed);
  }
}

function settled(delivery: Delivery, failed: boolean): void {
  delivery.settled = true;
  if (failed) delivery.failed = true;
  finish(delivery);
}

function handlerDone(delivery: Delivery, ok: boolean): void {
  delivery.handlerDone = true;
  if (!ok) delivery.failed = true;
  finish(delivery);
}

function finish(delivery: Delivery): void {
  if (!delivery.handlerDone || !delivery.settled || delivery.recorded) return;
  delivery.recorded = true;
  recordConsumed(delivery.topic, !delivery.failed, performance.now() - delivery.start);
}

// Finds the libraries that publish no channel (Koa, amqplib) as they load, through Node's module channels.

import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { createRequire } from "node:module";
import { isAmqplibModel, patchAmqplib } from "./amqplib.ts";
import { reportError } from "./report.ts";
import { isKoa, patchKoa } from "./routes.ts";

const REQUIRE_END = "tracing:module.require:end";
// Only modules of these packages are looked at when scanning what is already loaded.
const PACKAGES = /[\\/]node_modules[\\/](?:koa|amqplib)[\\/]/;

/**
 * Looks at every CommonJS module as it finishes loading (Node publishes each `require`, and each
 * CommonJS module an ES module imports, on `tracing:module.require:end` with its exports), and at
 * those loaded before init(), and wraps the ones we know: Koa's Application, amqplib's channel
 * models. ESM and CommonJS apps alike, with no loader hooks. Returns the unsubscriber.
 */
export function installModules(): () => void {
  const cache = createRequire(import.meta.url).cache;
  for (const [filename, loaded] of Object.entries(cache)) {
    if (PACKAGES.test(filename)) inspect(loaded?.exports);
  }
  subscribe(REQUIRE_END, onRequireEnd);
  return () => unsubscribe(REQUIRE_END, onRequireEnd);
}

function onRequireEnd(message: unknown): void {
  inspect((message as { result?: unknown }).result);
}

function inspect(exports: unknown): void {
  try {
    if (isKoa(exports)) patchKoa(exports);
    else if (isAmqplibModel(exports)) patchAmqplib(exports);
  } catch (error) {
    reportError("instrumenting a loaded module", error);
  }
}

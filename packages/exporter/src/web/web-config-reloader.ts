// Keeps the web configuration current: re-reads it (and its certificate files) when they change, keeps the last good one.

import type { Hash } from "node:crypto";
import { statSync } from "node:fs";
import { crypto } from "../net/node-builtins.ts";
import { buildTlsSettings, readBoundedFile, type TlsSettings } from "./tls-context.ts";
import { parseWebConfig, readWebConfigText, tlsFiles, type WebConfig } from "./web-config.ts";
import { WebConfigError } from "./web-config-error.ts";

/** A web configuration with its TLS material loaded and checked. */
export interface LoadedWebConfig {
  readonly config: WebConfig;
  /** Undefined when the server speaks plain HTTP. */
  readonly tls: TlsSettings | undefined;
  /** SHA-256 over the configuration file and every file it references. */
  readonly digest: string;
  /** The configuration file and the files it references. */
  readonly files: readonly string[];
}

/** What a reload did. */
export type ReloadOutcome =
  | { readonly ok: true; readonly changed: boolean; readonly loaded: LoadedWebConfig }
  | { readonly ok: false; readonly error: WebConfigError };

/** The reload history, for `*_config_last_reload_successful`-style metrics. */
export interface WebConfigReloadStatus {
  /** Whether the files on disk are the ones in use (the last attempt succeeded). */
  readonly ok: boolean;
  readonly lastSuccess: Date;
  readonly lastError: WebConfigError | undefined;
  readonly reloads: number;
  readonly failures: number;
}

/** Options of a WebConfigReloader. */
export interface WebConfigReloaderOptions {
  /** Stat the files at most this often (default 1000 ms; 0 checks on every call). */
  readonly minCheckIntervalMs?: number;
  /** Refuses a change the running server cannot take (returns why); the old config stays. */
  readonly accept?: (next: LoadedWebConfig, current: LoadedWebConfig) => WebConfigError | undefined;
  /** Puts a new configuration into effect; called before it becomes `current`. */
  readonly apply?: (next: LoadedWebConfig, previous: LoadedWebConfig) => void;
  /** Told about every change and every new failure (log it, count it). */
  readonly onReload?: (outcome: ReloadOutcome) => void;
}

/** Files whose last change is this recent may change again without a visible stat change. */
const RACY_WINDOW_MS = 2000;

/**
 * Loads a web configuration file and the certificate, key and CA files it names, checking all
 * of it. Throws a WebConfigError (used at start-up and for a `--web.config.check`).
 */
export function loadWebConfigFiles(file: string): LoadedWebConfig {
  return load(file, { hash: crypto.createHash("sha256"), files: [] });
}

/**
 * Watches a web configuration file and the files it names. `check()` (cheap, throttled, called
 * before each connection and request) stats them and reloads when one changed (or changed too
 * recently for its timestamp to tell); a content digest keeps an unchanged rewrite from counting.
 * A broken new file is reported once and the last good configuration stays in use, as with
 * exporter-toolkit, whose file is re-read on every request.
 */
export class WebConfigReloader {
  readonly file: string;
  readonly #options: WebConfigReloaderOptions;
  readonly #minInterval: number;
  #current: LoadedWebConfig;
  #stamps = new Map<string, string>();
  #watched: readonly string[];
  #racy = false;
  #lastCheck = Number.NEGATIVE_INFINITY;
  #failedKey: string | undefined;
  #status: WebConfigReloadStatus;

  constructor(file: string, initial: LoadedWebConfig, options: WebConfigReloaderOptions = {}) {
    this.file = file;
    this.#options = options;
    this.#minInterval = options.minCheckIntervalMs ?? 1000;
    this.#current = initial;
    this.#watched = initial.files;
    this.#status = {
      ok: true,
      lastSuccess: new Date(),
      lastError: undefined,
      reloads: 0,
      failures: 0,
    };
    this.#record(initial.files, Date.now());
  }

  /** The configuration in use. */
  get current(): LoadedWebConfig {
    return this.#current;
  }

  /** How reloading has gone. */
  get status(): WebConfigReloadStatus {
    return this.#status;
  }

  /** Reloads if a watched file changed; at most once per `minCheckIntervalMs`. Synchronous. */
  check(): void {
    const now = performance.now();
    if (now - this.#lastCheck < this.#minInterval) return;
    this.#lastCheck = now;
    const stamps = this.#stampsOf(this.#watched);
    if (!this.#racy && sameStamps(stamps, this.#stamps)) return;
    this.#attempt(false);
  }

  /** Re-reads everything now (SIGHUP, `POST /-/reload`) and reports the outcome, even if unchanged. */
  reload(): ReloadOutcome {
    this.#lastCheck = performance.now();
    return this.#attempt(true);
  }

  #attempt(forced: boolean): ReloadOutcome {
    const reading = { hash: crypto.createHash("sha256"), files: [] as string[] };
    const startedAt = Date.now();
    let outcome: ReloadOutcome;
    try {
      const next = load(this.file, reading);
      if (next.digest === this.#current.digest) {
        outcome = { ok: true, changed: false, loaded: this.#current };
      } else {
        const refusal = this.#options.accept?.(next, this.#current);
        if (refusal !== undefined) throw refusal;
        this.#options.apply?.(next, this.#current);
        this.#current = next;
        outcome = { ok: true, changed: true, loaded: next };
      }
    } catch (error) {
      const failure =
        error instanceof WebConfigError
          ? error
          : new WebConfigError(this.file, [{ path: "", message: String(error) }], { cause: error });
      outcome = { ok: false, error: failure };
    }
    this.#watched = [...new Set([...this.#current.files, ...reading.files])];
    this.#record(this.#watched, startedAt);

    if (outcome.ok) {
      this.#failedKey = undefined;
      const changed = outcome.changed || !this.#status.ok;
      this.#status = {
        ...this.#status,
        ok: true,
        lastError: undefined,
        ...(outcome.changed ? { lastSuccess: new Date(), reloads: this.#status.reloads + 1 } : {}),
      };
      if (forced || changed) this.#options.onReload?.(outcome);
      return outcome;
    }
    const key = `${reading.hash.copy().digest("base64")}\n${outcome.error.message}`;
    const repeated = key === this.#failedKey;
    this.#failedKey = key;
    if (!repeated || forced) {
      this.#status = {
        ...this.#status,
        ok: false,
        lastError: outcome.error,
        failures: this.#status.failures + 1,
      };
      this.#options.onReload?.(outcome);
    }
    return outcome;
  }

  #record(files: readonly string[], readStartedAt: number): void {
    this.#stamps = this.#stampsOf(files);
    this.#racy = files.some((file) => {
      try {
        const mtime = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
        return mtime !== undefined && mtime > readStartedAt - RACY_WINDOW_MS;
      } catch {
        return true;
      }
    });
  }

  #stampsOf(files: readonly string[]): Map<string, string> {
    const stamps = new Map<string, string>();
    for (const file of files) stamps.set(file, stampOf(file));
    return stamps;
  }
}

function stampOf(file: string): string {
  try {
    const s = statSync(file, { bigint: true, throwIfNoEntry: false });
    if (s === undefined) return "missing";
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (error) {
    return `error:${(error as NodeJS.ErrnoException).code ?? ""}`;
  }
}

function sameStamps(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [file, stamp] of a) if (b.get(file) !== stamp) return false;
  return true;
}

function load(file: string, reading: { hash: Hash; files: string[] }): LoadedWebConfig {
  const update = (path: string, content: Buffer | string) => {
    reading.hash.update(`${path}\0${Buffer.byteLength(content)}\0`).update(content);
  };
  // Files are watched from the moment they are named, so one that is missing now is noticed later.
  reading.files.push(file);
  const text = readWebConfigText(file);
  update(file, text);
  const config = parseWebConfig(text, file);
  reading.files.push(...tlsFiles(config.tls));
  const tls =
    config.tls === undefined
      ? undefined
      : buildTlsSettings(config.tls, file, (path) => {
          const content = readBoundedFile(path);
          update(path, content);
          return content;
        });
  return { config, tls, digest: reading.hash.copy().digest("hex"), files: [...reading.files] };
}

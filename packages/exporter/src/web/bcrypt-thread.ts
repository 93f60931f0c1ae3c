// bcrypt off the event loop: one worker thread runs the checks one at a time, started when needed.

import { Worker } from "node:worker_threads";

/** A task for the worker (internal to BcryptThread and its worker). */
export type BcryptTask =
  | {
      readonly id: number;
      readonly op: "compare";
      readonly password: string;
      readonly hash: string;
    }
  | { readonly id: number; readonly op: "hash"; readonly password: string; readonly cost: number };

/** The worker's answer to a task (internal to BcryptThread and its worker). */
export type BcryptAnswer =
  | { readonly id: number; readonly value: boolean | string; readonly error?: undefined }
  | { readonly id: number; readonly error: string };

/** The worker died or could not start; tasks then fail with this. */
export class BcryptThreadError extends Error {
  override name = "BcryptThreadError";
}

/** Options of a BcryptThread. */
export interface BcryptThreadOptions {
  /** The worker stops after this long without work (default 30 s) and starts again on demand. */
  readonly idleMs?: number;
}

interface Pending {
  readonly task: BcryptTask;
  /** False when the answer is no longer wanted (the client went away): the task is skipped. */
  readonly wanted: () => boolean;
  readonly resolve: (value: boolean | string) => void;
  readonly reject: (error: Error) => void;
}

// The repository runs the .ts sources; the packed package ships them compiled to .js.
const WORKER = new URL(
  import.meta.url.endsWith(".ts") ? "./bcrypt-worker.ts" : "./bcrypt-worker.js",
  import.meta.url,
);

/**
 * Runs bcryptjs in one worker thread. bcryptjs's own async API still computes on the event loop,
 * in slices of up to 100 ms, so a few failed logins at once used to stall every scrape; here the
 * loop only posts messages. Tasks run one at a time, in order (as exporter-toolkit's mutex does:
 * bcrypt is CPU-bound, and this leaves the other cores to the daemon); a task whose `wanted()`
 * says no by its turn is skipped. The worker never keeps the process alive and stops when idle.
 */
export class BcryptThread {
  readonly #idleMs: number;
  readonly #queue: Pending[] = [];
  #worker: Worker | undefined;
  #running: Pending | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #nextId = 1;
  #closed = false;

  constructor(options: BcryptThreadOptions = {}) {
    this.#idleMs = options.idleMs ?? 30_000;
  }

  /**
   * Whether `password` matches the bcrypt `hash` (false for a malformed hash); false at once,
   * without running bcrypt, when `wanted()` says no by the task's turn.
   */
  compare(password: string, hash: string, wanted: () => boolean = () => true): Promise<boolean> {
    return this.#submit({ id: this.#nextId++, op: "compare", password, hash }, wanted).then(
      (value) => value === true,
    );
  }

  /** A bcrypt hash of `password` at `cost`. */
  async hash(password: string, cost: number): Promise<string> {
    const value = await this.#submit(
      { id: this.#nextId++, op: "hash", password, cost },
      () => true,
    );
    return String(value);
  }

  /** Tasks waiting or running. */
  get pending(): number {
    return this.#queue.length + (this.#running === undefined ? 0 : 1);
  }

  /** Whether the worker thread is up (it starts with the first task, stops after `idleMs`). */
  get started(): boolean {
    return this.#worker !== undefined;
  }

  /** Stops the worker; waiting tasks fail, later ones too. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    const gone = new BcryptThreadError("bcrypt thread closed");
    for (const pending of this.#queue.splice(0)) pending.reject(gone);
    this.#running?.reject(gone);
    this.#running = undefined;
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #submit(task: BcryptTask, wanted: () => boolean): Promise<boolean | string> {
    if (this.#closed) return Promise.reject(new BcryptThreadError("bcrypt thread closed"));
    return new Promise((resolve, reject) => {
      this.#queue.push({ task, wanted, resolve, reject });
      this.#next();
    });
  }

  #next(): void {
    if (this.#running !== undefined) return;
    let pending = this.#queue.shift();
    while (pending !== undefined && !pending.wanted()) {
      pending.resolve(pending.task.op === "compare" ? false : "");
      pending = this.#queue.shift();
    }
    if (pending === undefined) {
      this.#idleTimer ??= setTimeout(() => this.#stopIdle(), this.#idleMs).unref();
      return;
    }
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    this.#running = pending;
    this.#start().postMessage(pending.task);
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(WORKER);
    worker.unref();
    worker.on("message", (answer: BcryptAnswer) => {
      const running = this.#running;
      if (running === undefined || running.task.id !== answer.id) return;
      this.#running = undefined;
      if (answer.error !== undefined) running.reject(new BcryptThreadError(answer.error));
      else running.resolve(answer.value);
      this.#next();
    });
    const fail = (cause: unknown) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      const running = this.#running;
      this.#running = undefined;
      running?.reject(new BcryptThreadError("the bcrypt worker thread stopped", { cause }));
      this.#next();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`exit code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #stopIdle(): void {
    this.#idleTimer = undefined;
    if (this.#running !== undefined || this.#queue.length > 0) return;
    const worker = this.#worker;
    this.#worker = undefined;
    void worker?.terminate();
  }
}

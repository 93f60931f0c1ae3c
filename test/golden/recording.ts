// Recorded client exchanges on disk: exchanges.json (requests, in order) and one file of raw answer bytes each.

import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Scrubber } from "./scrubber.ts";

/** How the recorded client was spoken to, which picks the stand-in that replays it. */
export type RecordedProtocol = "http" | "scgi" | "deluge";

/** One request of the source and the client's answer. */
export interface Exchange {
  /** The poll it belongs to (0-based); `polls.length` for requests made while the target stopped. */
  readonly poll: number;
  /** The request as its protocol's stand-in describes it; a replayed request must equal it. */
  readonly request: Readonly<Record<string, unknown>>;
  /** HTTP only: the answer's status and the headers sources read. */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** The file (next to exchanges.json) holding the answer's bytes. */
  readonly answer: string;
}

/** What exchanges.json holds. */
export interface RecordingIndex {
  /** Which client, which version, recorded how: for people. */
  readonly about: string;
  readonly protocol: RecordedProtocol;
  /** The credentials the target used, scrubbed: a replay must send the same. */
  readonly username: string;
  readonly password: string;
  /** When each poll started, ms since the epoch: the clock a replay sets. */
  readonly polls: readonly number[];
  readonly exchanges: readonly Exchange[];
}

/** A recording read back: the index and each exchange's answer bytes. */
export interface Recording extends RecordingIndex {
  readonly answers: readonly Buffer[];
}

const INDEX = "exchanges.json";

/** Reads a recording saved by `RecordingWriter.save`. */
export async function readRecording(dir: string): Promise<Recording> {
  const index = JSON.parse(await readFile(join(dir, INDEX), "utf8")) as RecordingIndex;
  const answers = await Promise.all(index.exchanges.map((e) => readFile(join(dir, e.answer))));
  return { ...index, answers };
}

/** What a stand-in adds for each exchange it relays. */
export interface ExchangeInput {
  readonly request: Readonly<Record<string, unknown>>;
  /** A short name for the answer's file, e.g. `sync-maindata.json`. */
  readonly name: string;
  readonly answer: Uint8Array;
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
}

/** Collects exchanges while a recorder polls a real client; writes them scrubbed. */
export class RecordingWriter {
  /** The poll under way (set by the recorder before each poll, and past the last one for the stop). */
  poll = 0;
  readonly #exchanges: Array<{ readonly poll: number; input: ExchangeInput | undefined }> = [];

  /** Adds one exchange to the current poll. */
  add(input: ExchangeInput): void {
    this.#exchanges.push({ poll: this.poll, input });
  }

  /**
   * Takes the next place in the current poll for a request whose answer comes later (answers
   * on one connection may come in another order); call the function returned with the exchange.
   */
  reserve(): (input: ExchangeInput) => void {
    const slot: { readonly poll: number; input: ExchangeInput | undefined } = {
      poll: this.poll,
      input: undefined,
    };
    this.#exchanges.push(slot);
    return (input) => {
      slot.input = input;
    };
  }

  /** Exchanges so far. */
  get size(): number {
    return this.#exchanges.length;
  }

  /**
   * Replaces `dir`'s recording: every answer and the index through `scrubber`. Throws when a
   * secret the scrubber knows is still in any file written.
   */
  async save(
    dir: string,
    scrubber: Scrubber,
    meta: Omit<RecordingIndex, "exchanges" | "username" | "password"> & {
      readonly username: string;
      readonly password: string;
    },
  ): Promise<void> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const exchanges: Exchange[] = [];
    for (const [i, { poll, input: e }] of this.#exchanges.entries()) {
      if (e === undefined) throw new Error(`request ${i} got no answer`);
      const answer = `${String(i).padStart(2, "0")}-${e.name}`;
      await writeFile(join(dir, answer), scrubber.bytes(e.answer));
      exchanges.push({
        poll,
        request: e.request,
        ...(e.status === undefined ? {} : { status: e.status }),
        ...(e.headers === undefined ? {} : { headers: e.headers }),
        answer,
      });
    }
    const index: RecordingIndex = { ...meta, exchanges };
    await writeFile(join(dir, INDEX), `${scrubber.text(JSON.stringify(index, null, 2))}\n`);
    for (const file of await readdir(dir)) {
      const content = (await readFile(join(dir, file))).toString("latin1");
      for (const secret of scrubber.secrets) {
        if (content.includes(secret)) throw new Error(`${file} still holds a secret`);
      }
    }
  }
}

// Our hooks' instructions per request (callgrind), which a noisy shared machine does not change: `node bench/instrument-instructions.ts [kind...]`.

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { InProcessCase } from "./instrument-inprocess-runners.ts";
import type { InstructionsBlocks } from "./instrument-instructions.child.ts";

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL("./instrument-instructions.child.ts", import.meta.url));
const KINDS: readonly InProcessCase[] = ["inbound-json", "inbound-text", "outbound-http"];
const BLOCKS = 8;
const PER = 1000;
/**
 * Work that lands in whichever block it happens to fall in, counted apart by the functions
 * that do it (their own instructions, so nothing is counted twice): V8 compiling, and V8
 * collecting garbage (what a request allocates does cost collections, but they come in lumps
 * that make blocks of a few thousand requests differ by more than our hooks cost).
 */
const APART: Readonly<Record<string, RegExp>> = {
  compile:
    /^v8::internal::(compiler::|maglev::|baseline::|Compiler::|Parser|Scanner|AstValueFactory|Zone::|interpreter::BytecodeGenerator)/,
  gc: /Scaveng|MarkCompact|MinorMarkSweep|Marking|MarkBit|Mark\(|Evacuat|Sweep|RememberedSet|RecordMigratedSlot|LiveObjectVisitor|IteratePointers|IterateMaybeWeakPointers|IterateBody<|IterateObjectCache|RecordWrite|WriteBarrier|Heap::|ActiveSystemPages|MemoryAllocator/,
};

/** One block: its instructions per request, all and apart. */
interface Block {
  readonly on: boolean;
  readonly all: number;
  readonly apart: Record<string, number>;
}

/** Counts one workload's blocks in a single-threaded Node under callgrind (instrumented only in the blocks). */
async function count(kind: string): Promise<Block[]> {
  const dir = await mkdtemp(join(tmpdir(), "seedwatch-callgrind-"));
  const counts = join(dir, "callgrind.out");
  const out = join(dir, "result.json");
  try {
    await run(
      "valgrind",
      [
        "--tool=callgrind",
        "--instr-atstart=no",
        `--callgrind-out-file=${counts}`,
        process.execPath,
        "--single-threaded",
        CHILD,
        kind,
        String(BLOCKS),
        String(PER),
        String(10 * PER),
        out,
      ],
      { maxBuffer: 16 * 2 ** 20, env: { ...process.env, SEEDWATCH_CALLGRIND: "1" } },
    );
    const { on } = JSON.parse(await readFile(out, "utf8")) as InstructionsBlocks;
    return await Promise.all(on.map((active, i) => block(`${counts}.${i + 1}`, active)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads one dump: total instructions and those of the work counted apart. */
async function block(file: string, on: boolean): Promise<Block> {
  const { stdout } = await run("callgrind_annotate", ["--threshold=100", file], {
    maxBuffer: 256 * 2 ** 20,
  });
  let all = 0;
  const apart: Record<string, number> = Object.fromEntries(Object.keys(APART).map((k) => [k, 0]));
  for (const line of stdout.split("\n")) {
    const match = /^\s*([\d,]+) \([^)]*\)\s+(?:\?\?\?:)?(.*)$/.exec(line);
    if (match === null) continue;
    const value = Number((match[1] as string).replaceAll(",", "")) / PER;
    const name = match[2] as string;
    if (name.startsWith("PROGRAM TOTALS")) all = value;
    for (const [key, pattern] of Object.entries(APART)) {
      if (pattern.test(name)) {
        apart[key] = (apart[key] as number) + value;
        break;
      }
    }
  }
  return { on, all, apart };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const round = (n: number) => Math.round(n);

const kinds = process.argv.length > 2 ? process.argv.slice(2) : KINDS;
for (const kind of kinds) {
  const blocks = await count(kind);
  const steady = (b: Block) => b.all - Object.values(b.apart).reduce((s, v) => s + v, 0);
  const on = blocks.filter((b) => b.on).map(steady);
  const off = blocks.filter((b) => !b.on).map(steady);
  const pairs = on.map((value, i) => value - (off[i] as number));
  const apart = Object.keys(APART)
    .map((key) => {
      const sum = (active: boolean) =>
        blocks.filter((b) => b.on === active).reduce((s, b) => s + (b.apart[key] as number), 0);
      return `${key} on ${round(sum(true) / BLOCKS)}, off ${round(sum(false) / BLOCKS)}`;
    })
    .join("; ");
  // Pairs of neighbouring blocks, and their median: a lump of V8's own work that escapes the
  // counting apart moves one pair, not the figure.
  console.log(
    `${kind}: ${round(median(pairs))} instructions per request (median of ${pairs.length} pairs ` +
      `${pairs.map(round).join(", ")}; on ${round(median(on))}, off ${round(median(off))}; ` +
      `counted apart, mean per request: ${apart})`,
  );
}

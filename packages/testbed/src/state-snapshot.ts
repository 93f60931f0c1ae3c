// Copies of a stopped client's directory, and second instances started from them: a client "restored from a backup".

import { cp, lstat, readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { tempDir } from "./daemon.ts";

/**
 * A copy of the whole temp directory of a stopped client (state, config and its own download
 * dir), taken by the instance's `snapshot()`. Start a second instance from it with the client's
 * `fromSnapshot` option, as often as needed: each start works on a copy of the copy.
 */
export interface StateSnapshot {
  /** Where the copy lives. */
  readonly dir: string;
  /** The directory it was copied from: absolute paths inside the state point there. */
  readonly root: string;
  /** Removes the copy. */
  remove(): Promise<void>;
}

/** Copies what a file copy can: sockets and FIFOs (an SCGI socket left behind) are skipped. */
const COPY = {
  recursive: true,
  preserveTimestamps: true,
  verbatimSymlinks: true,
  filter: async (source: string) => {
    const stat = await lstat(source);
    return !stat.isSocket() && !stat.isFIFO();
  },
} as const;

/** Copies `root` (a client's stopped temp dir) to a fresh temp dir. */
export async function snapshotDir(root: string, prefix: string): Promise<StateSnapshot> {
  const dir = await tempDir(`${prefix}-snapshot`);
  try {
    await cp(root, dir.path, COPY);
  } catch (error) {
    await dir.remove();
    throw new Error(`could not copy ${root} for a snapshot: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { dir: dir.path, root, remove: dir.remove };
}

/**
 * Copies a snapshot into `into` (a fresh, empty temp dir) and, in every file under the
 * `stateDirs` of it (relative paths), replaces the snapshot's old root by `into`, so the
 * restored client finds its own files and not the original's. Both are temp dirs made with the
 * same prefix, hence of the same length: the replacement keeps bencode, pickle and other
 * length-prefixed encodings valid. Payload files outside `stateDirs` are copied untouched;
 * paths outside the old root (a torrent's own payload dir) are left as they are.
 */
export async function restoreDir(
  snapshot: StateSnapshot,
  into: string,
  stateDirs: readonly string[],
): Promise<void> {
  if (Buffer.byteLength(into) !== Buffer.byteLength(snapshot.root)) {
    throw new Error(
      `cannot restore ${snapshot.root} into ${into}: the paths differ in length (start the client with the same temp dir prefix)`,
    );
  }
  await cp(snapshot.dir, into, COPY);
  const from = Buffer.from(snapshot.root);
  const to = Buffer.from(into);
  for (const stateDir of stateDirs) {
    const base = join(into, stateDir);
    if (relative(into, base).startsWith(`..${sep}`)) {
      throw new Error(`state dir ${stateDir} is outside the snapshot`);
    }
    for (const entry of await readdir(base, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = join(entry.parentPath, entry.name);
      const bytes = await readFile(file);
      if (bytes.indexOf(from) === -1) continue;
      await writeFile(file, replaceAll(bytes, from, to));
    }
  }
}

function replaceAll(bytes: Buffer, from: Buffer, to: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let at = out.indexOf(from); at !== -1; at = out.indexOf(from, at + from.length)) {
    to.copy(out, at);
  }
  return out;
}

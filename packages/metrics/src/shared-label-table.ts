// A lock-free table in shared memory that gives every thread the same slot for the same label set.

const MAGIC = 0x53574c54; // "SWLT"
const HEADER_INTS = 8;
const H_MAGIC = 0;
const H_CAPACITY = 1;
const H_ARENA_BYTES = 2;
const H_ARENA_USED = 3;
const H_SIZE = 4;
const H_DROPPED = 5;

const EMPTY = 0;
const CLAIMING = 1;
const READY = 2;

const MAX_REFUSED_CACHED = 10_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Thrown when a buffer does not hold a label table of the expected shape. */
export class SharedLayoutError extends Error {
  override name = "SharedLayoutError";
}

/**
 * Maps label-set keys to slot indices inside a SharedArrayBuffer. Any thread holding the buffer
 * can claim or find a slot with atomics only (no messages, no locks): slots are claimed with a
 * compare-and-exchange and published once their key bytes are written. Keys are never removed.
 */
export class SharedLabelTable {
  /** Bytes needed for a table of `capacity` slots with `arenaBytes` of key storage. */
  static byteLength(capacity: number, arenaBytes: number): number {
    return align8((HEADER_INTS + 4 * capacity) * 4 + arenaBytes);
  }

  readonly capacity: number;
  readonly #header: Int32Array;
  readonly #state: Int32Array;
  readonly #hash: Int32Array;
  readonly #offset: Int32Array;
  readonly #length: Int32Array;
  readonly #arena: Uint8Array;
  #refused = 0;
  /** This thread's cache: key -> slot (or -1 when refused). */
  readonly #slots = new Map<string, number>();
  /** This thread's cache of decoded keys, by slot. */
  readonly #keys: Array<string | undefined> = [];

  /**
   * Opens the table at `byteOffset` of `buffer`. With `init`, writes a fresh header for
   * `capacity` slots and `arenaBytes` of key storage; otherwise reads them from the buffer.
   */
  constructor(
    buffer: SharedArrayBuffer,
    byteOffset: number,
    init?: { capacity: number; arenaBytes: number },
  ) {
    const header = new Int32Array(buffer, byteOffset, HEADER_INTS);
    if (init !== undefined) {
      if (!Number.isInteger(init.capacity) || init.capacity < 1) {
        throw new RangeError(`capacity must be a positive integer, got ${init.capacity}`);
      }
      header[H_CAPACITY] = init.capacity;
      header[H_ARENA_BYTES] = init.arenaBytes;
      Atomics.store(header, H_MAGIC, MAGIC);
    } else if (Atomics.load(header, H_MAGIC) !== MAGIC) {
      throw new SharedLayoutError("the buffer does not hold a seedwatch label table");
    }
    const capacity = header[H_CAPACITY] as number;
    const arenaBytes = header[H_ARENA_BYTES] as number;
    let at = byteOffset + HEADER_INTS * 4;
    const ints = () => {
      const view = new Int32Array(buffer, at, capacity);
      at += capacity * 4;
      return view;
    };
    this.capacity = capacity;
    this.#header = header;
    this.#state = ints();
    this.#hash = ints();
    this.#offset = ints();
    this.#length = ints();
    this.#arena = new Uint8Array(buffer, at, arenaBytes);
  }

  /** Number of slots in use, across all threads. */
  get size(): number {
    return Atomics.load(this.#header, H_SIZE);
  }

  /** How many label sets could not get a slot (per thread that asked) because the table or its key storage was full. */
  get dropped(): number {
    return Atomics.load(this.#header, H_DROPPED);
  }

  /** The slot of `key`, claimed on first use by any thread; -1 when the table is full. */
  slotOf(key: string): number {
    const cached = this.#slots.get(key);
    if (cached !== undefined) return cached;
    const slot = this.#findOrClaim(key);
    // A refused key is remembered too (up to a bound), so a full table is probed once per key
    // and `dropped` counts label sets, not observations.
    if (slot >= 0 || this.#refused++ < MAX_REFUSED_CACHED) this.#slots.set(key, slot);
    return slot;
  }

  /** Calls `visit` for every published slot with its key. */
  forEach(visit: (slot: number, key: string) => void): void {
    for (let slot = 0; slot < this.capacity; slot++) {
      if (Atomics.load(this.#state, slot) !== READY) continue;
      let key = this.#keys[slot];
      if (key === undefined) {
        const offset = this.#offset[slot] as number;
        // slice() copies into an unshared buffer, which TextDecoder requires.
        key = decoder.decode(this.#arena.slice(offset, offset + (this.#length[slot] as number)));
        this.#keys[slot] = key;
      }
      visit(slot, key);
    }
  }

  /**
   * The key bytes (UTF-8) of a published slot, as a view into the shared memory (no copy; keys
   * are never rewritten), or undefined when the slot is not published.
   */
  keyBytes(slot: number): Uint8Array | undefined {
    if (Atomics.load(this.#state, slot) !== READY) return undefined;
    const offset = this.#offset[slot] as number;
    return this.#arena.subarray(offset, offset + (this.#length[slot] as number));
  }

  #findOrClaim(key: string): number {
    const bytes = encoder.encode(key);
    const hash = fnv1a(bytes);
    const start = (hash >>> 0) % this.capacity;
    for (let probe = 0; probe < this.capacity; probe++) {
      const slot = (start + probe) % this.capacity;
      let state = Atomics.load(this.#state, slot);
      if (state === EMPTY) {
        if (Atomics.compareExchange(this.#state, slot, EMPTY, CLAIMING) === EMPTY) {
          return this.#publish(slot, bytes, hash);
        }
        state = Atomics.load(this.#state, slot);
      }
      // Another thread is writing this slot's key: it takes microseconds, so spin until published.
      while (state === CLAIMING) state = Atomics.load(this.#state, slot);
      if (state === READY && this.#hash[slot] === hash && this.#keyEquals(slot, bytes)) return slot;
    }
    Atomics.add(this.#header, H_DROPPED, 1);
    return -1;
  }

  #publish(slot: number, bytes: Uint8Array, hash: number): number {
    const offset = Atomics.add(this.#header, H_ARENA_USED, bytes.length);
    if (offset + bytes.length > this.#arena.length) {
      // Out of key storage, for good: the arena pointer is never moved back (another thread may
      // have allocated past us), and nothing is published from now on, so freeing the slot
      // cannot leave a hole in a probe chain.
      Atomics.store(this.#state, slot, EMPTY);
      Atomics.add(this.#header, H_DROPPED, 1);
      return -1;
    }
    this.#arena.set(bytes, offset);
    this.#hash[slot] = hash;
    this.#offset[slot] = offset;
    this.#length[slot] = bytes.length;
    Atomics.add(this.#header, H_SIZE, 1);
    // The atomic store publishes the plain writes above to every thread that loads READY.
    Atomics.store(this.#state, slot, READY);
    return slot;
  }

  #keyEquals(slot: number, bytes: Uint8Array): boolean {
    if (this.#length[slot] !== bytes.length) return false;
    const offset = this.#offset[slot] as number;
    for (let i = 0; i < bytes.length; i++) {
      if (this.#arena[offset + i] !== bytes[i]) return false;
    }
    return true;
  }
}

function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i] as number;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

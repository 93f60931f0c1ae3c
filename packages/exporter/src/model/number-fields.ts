// How V8 keeps the number fields of objects held by the hundred thousand (a table's rows): unboxed where it can.

/**
 * `n` as a small integer when it is one. Decoders often hand integers over in a box (a number read
 * from a Float64Array is one); stored as it is, it costs a 16-byte box per field of every object.
 */
export function unboxed(n: number): number {
  const small = n | 0;
  return small === n ? small : n;
}

/**
 * V8 keeps a number field of an object shape one of two ways: as "double", where every object of
 * the shape has its own 16-byte box for the field whatever its value, or as "tagged", where small
 * integers sit in the object itself and only other numbers are boxed. A field turns double for
 * every object of the shape as soon as one holds a fraction in it, and every torrent client sends
 * fractions somewhere (progress, rates, ratios): at 100,000 rTorrent torrents that was 13 boxes
 * per table row, 20 MB of a 92 MB heap. A non-number stored once in each number field of an object
 * of the shape, before any other is made, turns the fields tagged for every object of that shape;
 * with integers stored `unboxed`, the zero rates, peer counts, dates and file counts of idle
 * torrents then take no box. Call it once, at start-up, with an object made as the others will be.
 */
export function keepNumberFieldsTagged(sample: object, keys: readonly string[]): void {
  const fields = sample as Record<string, unknown>;
  for (const key of keys) fields[key] = undefined;
}

// Declaring a static catalog of metrics with dotted names, and deriving their Prometheus names.

/** A catalog metric is either monotonic or a point-in-time value. */
export type CatalogKind = "counter" | "gauge";

/** Units a catalog metric can be recorded in; time units are converted to seconds on export. */
export type CatalogUnit =
  | ""
  | "bytes"
  | "bytes_per_second"
  | "seconds"
  | "milliseconds"
  | "microseconds";

/** One metric of a catalog, as declared. */
export interface CatalogEntryInput {
  /** Constant-style identifier, e.g. `NET_BYTES_SENT`. */
  readonly id: string;
  /** Dotted name, `<category>.<name>`, e.g. `net.bytes_sent`. */
  readonly name: string;
  readonly kind: CatalogKind;
  readonly help: string;
  readonly unit?: CatalogUnit;
  /** Only moves when diagnostics are enabled. */
  readonly diagnostic?: boolean;
  /** Kept for index stability; never filled. */
  readonly deprecated?: boolean;
}

/** One metric of a catalog, with its slot index and category resolved. */
export interface CatalogEntry extends Required<CatalogEntryInput> {
  readonly index: number;
  /** Human-readable category, from the dotted prefix. */
  readonly category: string;
}

/** A validated catalog: entries in slot order and an index by identifier. */
export interface Catalog<Id extends string = string> {
  readonly entries: readonly CatalogEntry[];
  /** Slot index of every entry by its identifier, e.g. `index.NET_BYTES_SENT === 0`. */
  readonly index: Readonly<Record<Id, number>>;
  /** First diagnostic slot; every slot from here on is diagnostic, none before. */
  readonly diagnosticStart: number;
  /** Slot of a dotted name, or -1. */
  indexOf(name: string): number;
}

/** Thrown when a catalog declaration is inconsistent. */
export class CatalogError extends Error {
  override name = "CatalogError";
}

const DOTTED = /^([a-z][a-z0-9]*)\.([a-z][a-z0-9_]*)$/;
const ID = /^[A-Z][A-Z0-9_]*$/;

/**
 * Validates a catalog declaration: unique identifiers and dotted names, known categories,
 * diagnostic entries forming one block at the end.
 */
export function defineCatalog<const E extends readonly CatalogEntryInput[]>(
  declared: E,
  categories: Readonly<Record<string, string>>,
): Catalog<E[number]["id"]> {
  const ids = new Set<string>();
  const names = new Map<string, number>();
  let diagnosticStart = declared.length;
  const entries = declared.map((input, index): CatalogEntry => {
    const match = DOTTED.exec(input.name);
    if (match === null) throw new CatalogError(`${input.name}: expected <category>.<name>`);
    const category = categories[match[1] as string];
    if (category === undefined) throw new CatalogError(`${input.name}: unknown category`);
    if (!ID.test(input.id)) throw new CatalogError(`${input.id}: identifiers are UPPER_SNAKE_CASE`);
    if (ids.has(input.id)) throw new CatalogError(`duplicate identifier ${input.id}`);
    if (names.has(input.name)) throw new CatalogError(`duplicate name ${input.name}`);
    if (input.help.trim() === "") throw new CatalogError(`${input.name}: help text missing`);
    const diagnostic = input.diagnostic ?? false;
    if (diagnostic && diagnosticStart === declared.length) diagnosticStart = index;
    if (!diagnostic && diagnosticStart < declared.length) {
      throw new CatalogError(`${input.name}: diagnostic entries must form one block at the end`);
    }
    ids.add(input.id);
    names.set(input.name, index);
    return Object.freeze({
      unit: "",
      deprecated: false,
      ...input,
      diagnostic,
      index,
      category,
    });
  });
  const index = Object.freeze(Object.fromEntries(entries.map((e) => [e.id, e.index])));
  return Object.freeze({
    entries: Object.freeze(entries),
    index: index as Record<E[number]["id"], number>,
    diagnosticStart,
    indexOf: (name: string) => names.get(name) ?? -1,
  });
}

/** How a catalog entry is exported to Prometheus. */
export interface PrometheusNaming {
  /** Full metric name, counters ending in `_total`. */
  readonly name: string;
  /** Base unit to declare (`bytes`, `seconds`), or "" when the name does not end in one. */
  readonly unit: string;
  /** Factor from recorded values to exported ones (1e-6 for microseconds). */
  readonly scale: number;
}

const TIME_UNITS: Readonly<Record<string, { suffix: string; scale: number }>> = {
  seconds: { suffix: "_secs", scale: 1 },
  milliseconds: { suffix: "_ms", scale: 1e-3 },
  microseconds: { suffix: "_us", scale: 1e-6 },
};

/**
 * Derives a Prometheus name from a dotted name: `prefix_` + the name with dots as underscores;
 * time units become seconds (`disk.job_time_us` -> `disk_job_time_seconds_total`, values scaled);
 * counters end in `_total`.
 */
export function prometheusNaming(entry: CatalogEntryInput, prefix: string): PrometheusNaming {
  let base = entry.name.replace(".", "_");
  if (base.endsWith("_total")) base = base.slice(0, -"_total".length);
  let scale = 1;
  const time = TIME_UNITS[entry.unit ?? ""];
  if (time !== undefined) {
    const at = base.lastIndexOf(time.suffix);
    base =
      at >= 0 && (at + time.suffix.length === base.length || base[at + time.suffix.length] === "_")
        ? `${base.slice(0, at)}_seconds${base.slice(at + time.suffix.length)}`
        : `${base}_seconds`;
    scale = time.scale;
  }
  const full = `${prefix}${base}`;
  const unit = time !== undefined ? "seconds" : (entry.unit ?? "");
  return {
    name: entry.kind === "counter" ? `${full}_total` : full,
    unit: unit !== "" && full.endsWith(`_${unit}`) ? unit : "",
    scale,
  };
}

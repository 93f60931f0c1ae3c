// Reads a YAML config file into plain data in time linear in its size, keeping positions for messages and quoting nothing from the file.

import {
  type Alias,
  Composer,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  type Node,
  type Pair,
  Parser,
  visit,
  type YAMLError,
} from "yaml";
import { type DataMaps, type FieldPath, formatFieldPath } from "./field-path.ts";
import { describeYamlError, UNCLOSED_QUOTE } from "./yaml-wording.ts";

/** Nesting deeper than any config needs; a self-containing alias (`a: &x [*x]`) is infinitely deep. */
export const MAX_YAML_DEPTH = 32;

/**
 * The YAML parser's own stack is cut off at this height (a little over MAX_YAML_DEPTH): its cost
 * per level of nesting is high, and a file of a million `[` would keep it busy for seconds.
 */
const MAX_PARSER_STACK = MAX_YAML_DEPTH + 8;

/**
 * Most YAML tokens (keys, values, indentation, punctuation) read: the library spends 1-3 µs on
 * each, so this bounds a parse at about a second whatever the shape of the file. A MiB of config
 * as people write it holds 190,000-430,000 (8 per tracker.rename entry, 40 per target); a MiB of
 * nothing but `1,` or `#` holds up to 1.5 million.
 */
export const MAX_YAML_TOKENS = 500_000;

/** YAML errors listed; after the first few, most are the parser losing its way. */
const MAX_SYNTAX_PROBLEMS = 10;

/** Aliases may add this many values to a file beyond once more its own (a few shared settings). */
const ALIAS_ALLOWANCE = 10_000;

/** A place in the file; line and column count from 1. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** A problem with the YAML itself, before any schema looks at it. */
export interface YamlProblem extends Position {
  /** The field path where it is known ("" where it is not), data keys hidden. */
  readonly path: string;
  /** What is wrong, in words that quote nothing from the file. */
  readonly message: string;
}

/** A file read by readYaml. */
export interface YamlText {
  /** The document as plain data (null for an empty one); undefined when there are problems. */
  readonly value: unknown;
  readonly problems: readonly YamlProblem[];
  /**
   * Where the value at `path` (or with `at: "key"`, its key) is written; the nearest enclosing
   * value when the path goes further than the file. Through an alias, where the anchor is.
   */
  locate(path: FieldPath, at?: "key" | "value"): Position;
}

/**
 * Reads YAML text. Unlike the library's own `toJS`, this is linear in the text (duplicate keys
 * found with a Map, aliases resolved through a Map), bounds nesting and alias expansion, and
 * words every problem itself: no message carries text of the file.
 */
export function readYaml(text: string, dataMaps: DataMaps = () => false): YamlText {
  const lines = new LineCounter();
  const at = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return line === 0 ? { line: 1, col: offset + 1 } : { line, col };
  };
  const problems: YamlProblem[] = [];
  const problem = (offset: number, path: FieldPath, message: string) =>
    problems.push({ ...at(offset), path: formatFieldPath(path, dataMaps), message });

  const { doc, second, stopped } = compose(text, lines);
  if (stopped !== undefined) {
    // What the parser made of the text up to here is not worth reporting.
    const [offset, why] = stopped;
    problem(offset, [], why);
    return { value: undefined, problems, locate: () => at(offset) };
  }
  // Warnings too: an unknown tag (`password: !x`) would otherwise quietly turn into a value.
  const errors = [...doc.errors, ...doc.warnings];
  for (const error of errors.slice(0, MAX_SYNTAX_PROBLEMS)) {
    const words = describeYamlError(error);
    // An unclosed quote runs to the end of the file, where the library reports it.
    const start = words === UNCLOSED_QUOTE ? quoteStart(doc, error.pos[0]) : undefined;
    problem(start ?? error.pos[0], [], words);
  }
  if (errors.length > MAX_SYNTAX_PROBLEMS) {
    problem(
      (errors[MAX_SYNTAX_PROBLEMS] as YAMLError).pos[0],
      [],
      `and ${errors.length - MAX_SYNTAX_PROBLEMS} more YAML errors after these (most often caused by the first)`,
    );
  }
  if (second !== undefined)
    problem(second, [], describeYamlError({ code: "MULTIPLE_DOCS", message: "" }));
  const aliases = new Map<Alias, Node>();
  const locate = locator(doc, aliases, at);
  if (problems.length > 0) return { value: undefined, problems, locate };

  const converter = new Converter(aliases, at, problem);
  const value = converter.run(doc.contents);
  return { value: problems.length > 0 ? undefined : value, problems, locate };
}

/** Where the quoted scalar that is open at `offset` starts (found in one walk of the document). */
function quoteStart(doc: Document, offset: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_, node) {
      const range = node.range;
      const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
      if (quoted && range && range[0] < offset && offset <= range[2]) start = range[0];
    },
  });
  return start;
}

/**
 * The first document, its stream parsed under caps on nesting and on tokens (then `stopped` says
 * where and why), and where a second document starts.
 */
function compose(
  text: string,
  lines: LineCounter,
): { doc: Document; second: number | undefined; stopped: [number, string] | undefined } {
  const lexer = new Lexer();
  const parser = new Parser(lines.addNewLine);
  // Keys are checked in readYaml (the library's check is quadratic); YAML 1.1 tags such as
  // !!binary or !!timestamp would turn into values no config has, so they stay unknown tags.
  const composer = new Composer({ uniqueKeys: false, resolveKnownTags: false });
  let stopped: [number, string] | undefined;
  lines.addNewLine(0);
  function* tokens() {
    let count = 0;
    for (const lexeme of lexer.lex(text)) {
      yield* parser.next(lexeme);
      if (parser.stack.length > MAX_PARSER_STACK) {
        stopped = [parser.offset, `nested more than ${MAX_YAML_DEPTH} levels deep`];
        return;
      }
      if (++count > MAX_YAML_TOKENS) {
        stopped = [
          parser.offset,
          `more than ${MAX_YAML_TOKENS} YAML tokens (keys, values, indentation, punctuation), the most a file may hold`,
        ];
        return;
      }
    }
    yield* parser.end();
  }
  let first: Document | undefined;
  let second: number | undefined;
  // The library builds an Error, stack trace and all, for each problem: a file with an error on
  // every line spent most of its parse there. Nothing reads those stacks.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (const doc of composer.compose(tokens(), true, text.length)) {
      if (first !== undefined) {
        second = doc.range[0];
        break;
      }
      first = doc;
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  // compose() with forceDoc yields a document even for empty text.
  return { doc: first as Document, second, stopped };
}

interface Anchored {
  readonly node: Node;
  value: unknown;
  /** Values in it, with the aliases inside expanded. */
  size: number;
  /** Levels of collections in it (0 for a scalar). */
  height: number;
  /** Still being read: an alias to it would be inside it. */
  open: boolean;
  /** Whether an alias names it. */
  used: boolean;
}

/** The key of a pair as a JS object gets it (as the library's toJS does), or undefined if not a scalar. */
function keyOf(pair: Pair): string | undefined {
  const key = pair.key;
  if (key === null || key === undefined) return "";
  if (!isScalar(key)) return undefined;
  const value = key.value;
  return value === null || value === undefined ? "" : String(value);
}

function startOf(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null)?.range?.[0];
}

/** Turns the document's nodes into plain data, once each: aliases share the value they name. */
class Converter {
  readonly #aliases: Map<Alias, Node>;
  readonly #at: (offset: number) => Position;
  readonly #problem: (offset: number, path: FieldPath, message: string) => void;
  readonly #anchors = new Map<string, Anchored>();
  /** Anchors on empty scalars, with where they are: likely a value meant to start with &. */
  readonly #emptyAnchors: Array<[Anchored, FieldPath]> = [];
  readonly #path: Array<string | number> = [];
  /** Values written in the file, and values with every alias expanded. */
  #own = 0;
  #expanded = 0;
  /** After each alias: the expanded count so far, and where the alias is. */
  readonly #aliasMarks: Array<[number, number]> = [];
  /** Height of the value read last. */
  #height = 0;
  #tooDeep = false;

  constructor(
    aliases: Map<Alias, Node>,
    at: (offset: number) => Position,
    problem: (offset: number, path: FieldPath, message: string) => void,
  ) {
    this.#aliases = aliases;
    this.#at = at;
    this.#problem = problem;
  }

  run(contents: unknown): unknown {
    const value = this.#value(contents, 0);
    // `password: &x1` is an anchor on nothing, and the password is gone: say so, unless used.
    for (const [anchored, path] of this.#emptyAnchors) {
      if (!anchored.used)
        this.#problem(
          startOf(anchored.node) ?? 0,
          path,
          "an anchor (&…) on an empty value; to start a value with &, put it in quotes",
        );
    }
    const limit = 2 * this.#own + ALIAS_ALLOWANCE;
    if (this.#expanded > limit) {
      const mark = this.#aliasMarks.find(([expanded]) => expanded > limit);
      this.#problem(
        mark?.[1] ?? 0,
        [],
        `aliases (*…) repeat too much: expanded, the file would hold more than ${limit} values (twice its own ${this.#own}, plus ${ALIAS_ALLOWANCE})`,
      );
    }
    return value;
  }

  #value(node: unknown, depth: number): unknown {
    if (node === null || node === undefined) {
      this.#height = 0;
      return null;
    }
    if (isAlias(node)) return this.#alias(node, depth);
    const anchorName = (node as { anchor?: string }).anchor;
    const before = this.#expanded;
    let anchored: Anchored | undefined;
    if (anchorName !== undefined && anchorName !== "") {
      anchored = {
        node: node as Node,
        value: undefined,
        size: 0,
        height: 0,
        open: true,
        used: false,
      };
      this.#anchors.set(anchorName, anchored);
    }
    this.#own++;
    this.#expanded++;
    let value: unknown = null;
    let height = 0;
    if (isScalar(node)) {
      value = node.value;
      if (typeof value === "object" && value !== null) {
        this.#problem(startOf(node) ?? 0, this.#path, "a value of a kind no config has");
        value = null;
      }
    } else if ((isMap(node) || isSeq(node)) && depth >= MAX_YAML_DEPTH) {
      this.#nestedTooDeep(startOf(node) ?? 0);
    } else if (isMap(node)) {
      value = this.#map(node.items, depth);
      height = this.#height;
    } else if (isSeq(node)) {
      value = this.#seq(node.items, depth);
      height = this.#height;
    } else if (isPair(node)) {
      value = this.#map([node], depth);
      height = this.#height;
    }
    if (anchored !== undefined) {
      if (value === null && isScalar(node)) this.#emptyAnchors.push([anchored, [...this.#path]]);
      anchored.value = value;
      anchored.size = this.#expanded - before;
      anchored.height = height;
      anchored.open = false;
    }
    this.#height = height;
    return value;
  }

  #map(items: readonly unknown[], depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const seen = new Map<string, number>();
    let height = 0;
    for (const item of items) {
      const pair = item as Pair;
      const offset = startOf(pair.key) ?? startOf(pair.value) ?? 0;
      const key = this.#key(pair, offset);
      if (key === undefined) continue;
      const first = seen.get(key);
      if (first !== undefined) {
        const { line, col } = this.#at(first);
        this.#problem(
          offset,
          [...this.#path, key],
          `a key given twice in one mapping (first at line ${line}, column ${col})`,
        );
        continue;
      }
      seen.set(key, offset);
      this.#path.push(key);
      const value = this.#value(pair.value, depth + 1);
      this.#path.pop();
      height = Math.max(height, this.#height);
      // A key "__proto__" is data here, not the object's prototype.
      Object.defineProperty(out, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    this.#height = height + 1;
    return out;
  }

  #seq(items: readonly unknown[], depth: number): unknown[] {
    const out: unknown[] = [];
    let height = 0;
    for (let i = 0; i < items.length; i++) {
      this.#path.push(i);
      out.push(this.#value(items[i], depth + 1));
      this.#path.pop();
      height = Math.max(height, this.#height);
    }
    this.#height = height + 1;
    return out;
  }

  #key(pair: Pair, offset: number): string | undefined {
    const key = keyOf(pair);
    if (key === undefined) {
      this.#problem(
        offset,
        this.#path,
        isAlias(pair.key)
          ? "an alias (*…) used as a key; to start a key with *, put it in quotes"
          : "a list or mapping used as a key",
      );
      return undefined;
    }
    const anchorName = (pair.key as { anchor?: string } | null)?.anchor;
    if (anchorName !== undefined && anchorName !== "") {
      this.#own++;
      this.#expanded++;
      const node = pair.key as Node;
      this.#anchors.set(anchorName, {
        node,
        value: key,
        size: 1,
        height: 0,
        open: false,
        used: false,
      });
    }
    return key;
  }

  #alias(node: Alias, depth: number): unknown {
    this.#height = 0;
    const offset = startOf(node) ?? 0;
    const anchored = this.#anchors.get(node.source);
    if (anchored === undefined) {
      this.#problem(
        offset,
        this.#path,
        "an alias (*…) with no anchor (&…) of its name before it; to start a value with *, put it in quotes",
      );
      return null;
    }
    if (anchored.open) {
      this.#problem(
        offset,
        this.#path,
        "an alias (*…) inside the value its anchor (&…) names: that value would contain itself",
      );
      return null;
    }
    if (anchored.height > 0 && depth + anchored.height > MAX_YAML_DEPTH) {
      this.#nestedTooDeep(offset);
      return null;
    }
    anchored.used = true;
    this.#aliases.set(node, anchored.node);
    this.#expanded += anchored.size;
    this.#aliasMarks.push([this.#expanded, offset]);
    this.#height = anchored.height;
    return anchored.value;
  }

  #nestedTooDeep(offset: number): void {
    if (this.#tooDeep) return;
    this.#tooDeep = true;
    this.#problem(
      offset,
      this.#path,
      `nested more than ${MAX_YAML_DEPTH} levels deep (counting what aliases stand for)`,
    );
  }
}

/** Finds where a field path is written; each mapping gets a key index the first time it is asked. */
function locator(
  doc: Document,
  aliases: ReadonlyMap<Alias, Node>,
  at: (offset: number) => Position,
): YamlText["locate"] {
  const indexes = new WeakMap<object, Map<string, Pair>>();
  const pairsOf = (items: readonly Pair[], owner: object) => {
    let index = indexes.get(owner);
    if (index === undefined) {
      index = new Map();
      for (const pair of items) {
        const key = keyOf(pair);
        if (key !== undefined && !index.has(key)) index.set(key, pair);
      }
      indexes.set(owner, index);
    }
    return index;
  };
  return (path, where = "value") => {
    let node: unknown = doc.contents;
    let offset = startOf(node) ?? 0;
    for (let i = 0; i < path.length; i++) {
      if (isAlias(node)) node = aliases.get(node);
      const part = path[i] as string | number;
      if (isMap(node)) {
        const pair = pairsOf(node.items as Pair[], node).get(String(part));
        if (pair === undefined) break;
        const keyAt = startOf(pair.key) ?? startOf(pair.value);
        if (i === path.length - 1 && where === "key") {
          offset = keyAt ?? offset;
          break;
        }
        node = pair.value;
        offset = startOf(node) ?? keyAt ?? offset;
      } else if (isSeq(node) && typeof part === "number") {
        node = node.items[part];
        if (node === undefined) break;
        offset = startOf(node) ?? offset;
      } else break;
    }
    return at(offset);
  };
}

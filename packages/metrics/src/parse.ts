// A strict, bounded parser for Prometheus text 0.0.4 and OpenMetrics 1.0 exposition text.

/** One sample line. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: ReadonlyArray<readonly [string, string]>;
  readonly value: number;
  /** Milliseconds since the epoch, when the line had a timestamp. */
  readonly timestampMs?: number;
}

/** A metric family: its metadata and its samples, in input order. */
export interface ParsedFamily {
  readonly name: string;
  /** As written on the `# TYPE` line, or `untyped` when there was none. */
  type: string;
  help: string;
  unit: string;
  readonly samples: ParsedSample[];
}

/** Bounds on what the parser accepts. */
export interface ParseOptions {
  /** Which format the text is in; by default OpenMetrics when its last line is `# EOF`. */
  readonly format?: "text" | "openmetrics";
  /** Upper bound on the number of samples (default 2,000,000). */
  readonly maxSamples?: number;
}

/** Thrown on malformed exposition text; names the line. */
export class ExpositionParseError extends Error {
  override name = "ExpositionParseError";
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  counter: ["_total", "_created"],
  histogram: ["_bucket", "_sum", "_count", "_created"],
  gaugehistogram: ["_bucket", "_gsum", "_gcount"],
  summary: ["_sum", "_count", "_created"],
  info: ["_info"],
};

/** Parses exposition text into families. Throws ExpositionParseError on the first bad line. */
export function parseExposition(text: string, options: ParseOptions = {}): ParsedFamily[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const openMetrics = options.format ? options.format === "openmetrics" : lines.at(-1) === "# EOF";
  const maxSamples = options.maxSamples ?? 2_000_000;
  const families: ParsedFamily[] = [];
  const byName = new Map<string, ParsedFamily>();
  let current: ParsedFamily | undefined;
  let sampleCount = 0;
  let ended = false;

  const open = (name: string, lineNo: number): ParsedFamily => {
    if (current?.name === name) return current;
    const seen = byName.get(name);
    if (seen !== undefined) {
      if (seen.samples.length > 0 || openMetrics) {
        throw new ExpositionParseError(lineNo, `metadata for ${name} after its samples`);
      }
      current = seen;
      return seen;
    }
    current = { name, type: "untyped", help: "", unit: "", samples: [] };
    families.push(current);
    byName.set(name, current);
    return current;
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i] as string;
    if (ended) throw new ExpositionParseError(lineNo, "text after # EOF");
    if (line === "") {
      if (openMetrics) throw new ExpositionParseError(lineNo, "empty line in OpenMetrics text");
      continue;
    }
    if (line.startsWith("#")) {
      if (line === "# EOF") {
        ended = true;
        continue;
      }
      const match = /^# (HELP|TYPE|UNIT) (\S+)(?: (.*))?$/.exec(line);
      if (match === null) {
        if (openMetrics) throw new ExpositionParseError(lineNo, "unknown comment line");
        continue;
      }
      const [, keyword, name = "", rest = ""] = match;
      if (!METRIC_NAME.test(name))
        throw new ExpositionParseError(lineNo, `bad metric name ${name}`);
      const family = open(name, lineNo);
      if (keyword === "HELP") family.help = unescapeHelp(rest, lineNo, openMetrics);
      else if (keyword === "UNIT") family.unit = rest;
      else family.type = checkType(rest, openMetrics, lineNo);
      continue;
    }
    const sample = parseSample(line, lineNo, openMetrics);
    if (++sampleCount > maxSamples) {
      throw new ExpositionParseError(lineNo, `more than ${maxSamples} samples`);
    }
    const family =
      current !== undefined && belongsTo(sample.name, current)
        ? current
        : open(sample.name, lineNo);
    family.samples.push(sample);
  }
  if (openMetrics && !ended) throw new ExpositionParseError(lines.length, "missing # EOF");
  return families;
}

function checkType(type: string, openMetrics: boolean, lineNo: number): string {
  const allowed = openMetrics
    ? ["counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset", "unknown"]
    : ["counter", "gauge", "histogram", "summary", "untyped"];
  if (!allowed.includes(type)) throw new ExpositionParseError(lineNo, `unknown type ${type}`);
  return type;
}

function belongsTo(sampleName: string, family: ParsedFamily): boolean {
  if (sampleName === family.name) return true;
  const suffixes = SUFFIXES[family.type];
  return suffixes?.some((suffix) => sampleName === family.name + suffix) ?? false;
}

function parseSample(line: string, lineNo: number, openMetrics: boolean): ParsedSample {
  let pos = 0;
  while (pos < line.length && /[a-zA-Z0-9_:]/.test(line[pos] as string)) pos++;
  const name = line.slice(0, pos);
  if (!METRIC_NAME.test(name)) throw new ExpositionParseError(lineNo, "bad metric name");
  const labels: Array<readonly [string, string]> = [];
  if (line[pos] === "{") {
    pos++;
    const seen = new Set<string>();
    while (line[pos] !== "}") {
      const eq = line.indexOf("=", pos);
      if (eq < 0) throw new ExpositionParseError(lineNo, "label without value");
      const labelName = line.slice(pos, eq).trim();
      if (!LABEL_NAME.test(labelName)) {
        throw new ExpositionParseError(lineNo, `bad label name ${labelName}`);
      }
      if (seen.has(labelName))
        throw new ExpositionParseError(lineNo, `duplicate label ${labelName}`);
      seen.add(labelName);
      pos = eq + 1;
      if (line[pos] !== '"') throw new ExpositionParseError(lineNo, "label value must be quoted");
      const [value, end] = readQuoted(line, pos + 1, lineNo);
      labels.push([labelName, value]);
      pos = end;
      if (line[pos] === ",") pos++;
      else if (line[pos] !== "}")
        throw new ExpositionParseError(lineNo, "expected , or } after label");
      if (pos >= line.length) throw new ExpositionParseError(lineNo, "unterminated label set");
    }
    pos++;
  }
  if (line[pos] !== " ")
    throw new ExpositionParseError(lineNo, "expected a space before the value");
  const rest = line.slice(pos + 1);
  const exemplarAt = openMetrics ? rest.indexOf(" # ") : -1;
  const fields = (exemplarAt >= 0 ? rest.slice(0, exemplarAt) : rest).split(" ");
  if (fields.length > 2 || fields[0] === "") {
    throw new ExpositionParseError(lineNo, "expected a value and an optional timestamp");
  }
  const value = parseNumber(fields[0] as string, lineNo);
  if (fields[1] === undefined) return { name, labels, value };
  const ts = parseNumber(fields[1], lineNo);
  if (!Number.isFinite(ts)) throw new ExpositionParseError(lineNo, "bad timestamp");
  return { name, labels, value, timestampMs: openMetrics ? ts * 1000 : ts };
}

function readQuoted(line: string, start: number, lineNo: number): [string, number] {
  let out = "";
  for (let pos = start; pos < line.length; pos++) {
    const ch = line[pos];
    if (ch === '"') return [out, pos + 1];
    if (ch === "\\") {
      const next = line[++pos];
      if (next === "n") out += "\n";
      else if (next === "\\" || next === '"') out += next;
      else throw new ExpositionParseError(lineNo, `bad escape \\${next ?? ""}`);
    } else {
      out += ch;
    }
  }
  throw new ExpositionParseError(lineNo, "unterminated label value");
}

function unescapeHelp(text: string, lineNo: number, openMetrics: boolean): string {
  return text.replace(/\\(.?)/g, (_, next: string) => {
    if (next === "n") return "\n";
    if (next === "\\" || (openMetrics && next === '"')) return next;
    if (!openMetrics) return `\\${next}`;
    throw new ExpositionParseError(lineNo, `bad escape \\${next}`);
  });
}

function parseNumber(text: string, lineNo: number): number {
  switch (text) {
    case "+Inf":
    case "Inf":
    case "+inf":
    case "inf":
      return Number.POSITIVE_INFINITY;
    case "-Inf":
    case "-inf":
      return Number.NEGATIVE_INFINITY;
    case "NaN":
    case "nan":
      return Number.NaN;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    throw new ExpositionParseError(lineNo, `bad number ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Number(text);
}

// The answer of a Linxdot miner's GET /info/system, checked field by field: what we keep and how it may arrive.

import { SourceProtocolError } from "../../net/errors.ts";

/** What the miner says about itself (the fields linxdot_exporter 1.0.1 reads). */
export interface LinxdotSystemInfo {
  readonly animalName: string;
  readonly region: string;
  readonly firmware: string;
  readonly modelName: string;
  readonly sn: string;
  /** CPU temperature as the device reports it (degrees Celsius on the devices seen so far). */
  readonly cpuTemp: number;
  /** Percentages as the device reports them (not rounded yet). */
  readonly cpuUsage: number;
  readonly memoryUsage: number;
  readonly storageUsage: number;
}

const TEXT_FIELDS = {
  animal_name: "animalName",
  region: "region",
  firmware: "firmware",
  model_name: "modelName",
  sn: "sn",
} as const;

const NUMBER_FIELDS = {
  cpu_temp: "cpuTemp",
  cpu_usage: "cpuUsage",
  memory_usage: "memoryUsage",
  storage_usage: "storageUsage",
} as const;

/** What Python's float() takes from a device, less its spellings of NaN, infinity and `1_000`. */
const NUMERIC_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * Checks a parsed `/info/system` answer. Text fields must be strings (a number is taken as its
 * text); the four figures must be finite numbers or strings holding one (firmwares send both).
 * Anything else, a missing field included, is a SourceProtocolError naming every bad field.
 */
export function parseSystemInfo(value: unknown, where: string): LinxdotSystemInfo {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SourceProtocolError(
      `${where}: expected a JSON object with ${[...Object.keys(TEXT_FIELDS), ...Object.keys(NUMBER_FIELDS)].join(", ")}; got ${describe(value)}`,
    );
  }
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  const out: Record<string, string | number> = {};
  for (const [field, key] of Object.entries(TEXT_FIELDS)) {
    const raw = record[field];
    if (typeof raw === "string") out[key] = raw;
    else if (typeof raw === "number" && Number.isFinite(raw)) out[key] = String(raw);
    else problems.push(`${field}: expected a string, got ${describe(raw)}`);
  }
  for (const [field, key] of Object.entries(NUMBER_FIELDS)) {
    const raw = record[field];
    const number = toNumber(raw);
    if (number === undefined)
      problems.push(`${field}: expected a number or a numeric string, got ${describe(raw)}`);
    else out[key] = number;
  }
  if (problems.length > 0) throw new SourceProtocolError(`${where}: ${problems.join("; ")}`);
  return out as unknown as LinxdotSystemInfo;
}

function toNumber(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== "string" || !NUMERIC_TEXT.test(raw)) return undefined;
  const number = Number(raw);
  return Number.isFinite(number) ? number : undefined;
}

/** A short description of a device's value for an error message (device data, never a secret). */
function describe(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return `${typeof value} ${String(value)}`;
}

// The direction of dependencies inside the exporter, written once as data: a file imports its own layer or lower ones, never higher.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

/**
 * The layers of src/, lowest first. An entry is a folder of src/, a file at its root, or "." for
 * every other file at its root (the daemon: cli, daemon, target-kinds, ...). A file may import
 * its own entry and the entries of lower layers; two entries of one layer never import each other.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["log.ts", "version.ts"],
  // Errors of remote APIs, the HTTP client, stream readers; reading settings files.
  ["net", "settings"],
  // Torrents, their table and tracker counters, statuses.
  ["model"],
  // What feeds the model: clients and devices, the state database, the host's /proc and statfs.
  ["sources", "store", "host"],
  // Targets and their poll loop.
  ["collect"],
  // Targets as Prometheus families.
  ["render"],
  // Features over targets: the history archive, torrent removal.
  ["history", "removal"],
  // HTTP: routes, dashboard API, web-config.yml.
  ["web"],
  // seedwatch.yml, assembled from the sections the features define.
  ["config"],
  // What reads other programs' configuration: pt-exporter's config.yaml (migrate), the torrent
  // clients' own files on this machine (discovery).
  ["migrate", "discovery"],
  // Each target kind's recipe (its source, target and collector), loaded alone by the daemon.
  ["kinds"],
  // The daemon and its commands, and the map of target kinds.
  ["."],
];

/** Breaks of the rule that are allowed for now, each as `violations()` words it (none today). */
const KNOWN_EXCEPTIONS: readonly string[] = [];

const SRC = dirname(fileURLToPath(import.meta.url));

/** The relative modules a file imports: `import`/`export ... from`, side-effect and dynamic imports. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']/gm,
    /^\s*import\s*["'](\.{1,2}\/[^"']+)["']/gm,
    /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns)
    for (const m of text.matchAll(pattern)) found.push(m[1] as string);
  return found;
}

/** The LAYERS entry of a path relative to src/ ("collect/target.ts" -> "collect"). */
function entryOf(path: string): string {
  const [head = "", ...rest] = path.split("/");
  if (rest.length > 0) return head;
  return LAYERS.some((layer) => layer.includes(head)) ? head : ".";
}

function layerOf(entry: string): number {
  return LAYERS.findIndex((layer) => layer.includes(entry));
}

/**
 * Every break of the rule among `files` (path relative to src/, with `/`, -> text): an import of a
 * higher layer or of another entry of the same layer, an import leaving src/, a file in no layer,
 * and import cycles between files. Tests (`*.test.ts`) may import any layer: a test assembles what
 * it needs, a whole seedwatch.yml say, as Go's external test packages do.
 */
function violations(files: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  const graph = new Map<string, string[]>();
  for (const [path, text] of files) {
    if (path.endsWith(".test.ts")) continue;
    const from = entryOf(path);
    const fromLayer = layerOf(from);
    if (fromLayer < 0) {
      out.push(`${path} is in no layer: put ${from} in LAYERS (layers.test.ts)`);
      continue;
    }
    const edges: string[] = [];
    for (const spec of importsOf(text)) {
      const target = normalize(join(dirname(path), spec))
        .split(sep)
        .join("/");
      if (target.startsWith("../")) {
        out.push(
          `${path} imports ${spec}, outside packages/exporter/src (import a package by its name)`,
        );
        continue;
      }
      edges.push(target);
      const to = entryOf(target);
      const toLayer = layerOf(to);
      if (to === from || toLayer < 0) continue;
      if (toLayer > fromLayer)
        out.push(`${path} imports ${spec}: ${from} may not import ${to}, a layer above it`);
      else if (toLayer === fromLayer)
        out.push(`${path} imports ${spec}: ${from} and ${to} are one layer and stay apart`);
    }
    graph.set(path, edges);
  }
  for (const cycle of cycles(graph)) out.push(`import cycle: ${cycle.join(" -> ")}`);
  return out;
}

/** The files of every import cycle (strongly connected components of two files or more), sorted. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

function sourceFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts"))
        files.set(relative(SRC, path).split(sep).join("/"), readFileSync(path, "utf8"));
    }
  };
  walk(SRC);
  return files;
}

describe("the layers of packages/exporter/src", () => {
  it("are respected by every file: imports go down, never up, sideways or round", () => {
    const found = violations(sourceFiles());
    const unexpected = found.filter((v) => !KNOWN_EXCEPTIONS.includes(v));
    assert.deepEqual(unexpected, [], `imports against the layers:\n${unexpected.join("\n")}`);
    const gone = KNOWN_EXCEPTIONS.filter((v) => !found.includes(v));
    assert.deepEqual(gone, [], `fixed, so delete from KNOWN_EXCEPTIONS:\n${gone.join("\n")}`);
  });

  it("catch an import of a higher layer, of a sibling, out of src/ and round", () => {
    const files = new Map([
      ["model/a.ts", 'import { x } from "../collect/b.ts";\n'],
      ["collect/b.ts", 'import type {\n  Y,\n} from "../model/c.ts";\n'],
      ["model/c.ts", 'export { z } from "./a.ts";\n'],
      ["store/d.ts", 'import "../sources/e.ts";\n'],
      ["sources/e.ts", 'const f = await import("../../../f.ts");\n'],
      ["nowhere/g.ts", ""],
      ["render/h.test.ts", 'import "../daemon.ts";\n'],
    ]);
    assert.deepEqual(violations(files), [
      "model/a.ts imports ../collect/b.ts: model may not import collect, a layer above it",
      "store/d.ts imports ../sources/e.ts: store and sources are one layer and stay apart",
      "sources/e.ts imports ../../../f.ts, outside packages/exporter/src (import a package by its name)",
      "nowhere/g.ts is in no layer: put nowhere in LAYERS (layers.test.ts)",
      "import cycle: collect/b.ts -> model/a.ts -> model/c.ts",
    ]);
  });
});

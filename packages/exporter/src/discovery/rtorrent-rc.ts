// rTorrent's ~/.rtorrent.rc and the files it imports: where its SCGI (XML-RPC) port or socket is.

import { dirname, isAbsolute, resolve } from "node:path";
import { expandHome, type ReadFile } from "./client-files.ts";

/** Where rTorrent takes XML-RPC calls, and the rc file that says so. */
export type RtorrentEndpoint =
  | { readonly kind: "port"; readonly host: string; readonly port: number; readonly file: string }
  | { readonly kind: "socket"; readonly path: string; readonly file: string };

/** Imports followed at most this deep, and files read at most this many (a loop stops). */
const MAX_DEPTH = 8;
const MAX_FILES = 32;

const OPEN_PORT = new Set(["network.scgi.open_port", "scgi_port"]);
const OPEN_LOCAL = new Set(["network.scgi.open_local", "scgi_local"]);
const IMPORT = new Set(["import", "try_import"]);
const SESSION = new Set(["session.path.set", "session"]);

/**
 * The SCGI endpoints an rc file (and what it imports, `import`/`try_import`) opens. Values are
 * read as rTorrent reads the common forms: plain or quoted text, `~/`, and `(cat, ...)` of quoted
 * text, `(name)` of a string set earlier by `method.insert = name, ...string..., value` or
 * `session.path.set`, and `(system.env, NAME)`. A value written another way is skipped.
 */
export function readRtorrentRc(
  file: string,
  options: { readonly read: ReadFile; readonly home: string; readonly env: NodeJS.ProcessEnv },
): RtorrentEndpoint[] {
  const found: RtorrentEndpoint[] = [];
  const vars = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (path: string, depth: number) => {
    if (depth > MAX_DEPTH || seen.has(path) || seen.size >= MAX_FILES) return;
    seen.add(path);
    const read = options.read(path);
    if (!read.ok) return;
    for (const [key, raw] of statements(read.text)) {
      if (key === "method.insert") {
        const [name, type, ...rest] = splitArgs(raw);
        const value = rest.length === 0 ? undefined : evaluate(rest.join(","), vars, options.env);
        if (name !== undefined && type?.includes("string") && value !== undefined)
          vars.set(name.trim(), value);
        continue;
      }
      const value = evaluate(raw, vars, options.env);
      if (value === undefined) continue;
      if (SESSION.has(key)) vars.set("session.path", value);
      else if (IMPORT.has(key)) {
        const next = expandHome(value, options.home);
        // rTorrent resolves a relative import against its working directory: the home, usually.
        visit(isAbsolute(next) ? next : resolve(options.home, next), depth + 1);
      } else if (OPEN_PORT.has(key)) {
        const m = /^(.*):(\d{1,5})$/.exec(value.trim());
        const port = Number(m?.[2]);
        if (m !== null && port > 0 && port < 65536)
          found.push({ kind: "port", host: m[1] as string, port, file: path });
      } else if (OPEN_LOCAL.has(key)) {
        const socket = expandHome(value.trim(), options.home);
        if (socket !== "")
          found.push({
            kind: "socket",
            path: isAbsolute(socket) ? socket : resolve(dirname(path), socket),
            file: path,
          });
      }
    }
  };
  visit(file, 0);
  return found;
}

/** The `key = value` statements of an rc file: comments dropped, `\` line continuations joined. */
function statements(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let pending = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = pending + raw.trim();
    if (line.endsWith("\\")) {
      pending = line.slice(0, -1);
      continue;
    }
    pending = "";
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    out.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return out;
}

/** Splits at top-level commas (not inside quotes or parentheses). */
function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
  }
  args.push(text.slice(start));
  return args.map((a) => a.trim());
}

/** A value as rTorrent would compute it, for the forms named in readRtorrentRc; else undefined. */
function evaluate(
  text: string,
  vars: ReadonlyMap<string, string>,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const value = text.trim();
  if (value.startsWith('"')) {
    if (value.length < 2 || !value.endsWith('"')) return undefined;
    return value.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  if (value.startsWith("(") && value.endsWith(")")) {
    const [head, ...args] = splitArgs(value.slice(1, -1));
    if (head === "cat") {
      const parts = args.map((a) => evaluate(a, vars, env));
      return parts.every((p) => p !== undefined) ? parts.join("") : undefined;
    }
    if (head === "system.env" && args.length === 1) return env[args[0] as string];
    if (head !== undefined && args.length === 0) return vars.get(head);
    return undefined;
  }
  // A bare word; a command call or anything with parentheses is not followed.
  return /[()]/.test(value) ? undefined : value;
}

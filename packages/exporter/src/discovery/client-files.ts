// Reading another program's configuration file as the current user may: bounded, and an unreadable file is an answer, not a crash.

import { isAbsolute, join } from "node:path";
import { readCapped } from "../settings/read-capped.ts";

/** The most read of one client configuration file (they are a few KB). */
export const MAX_CLIENT_FILE_BYTES = 1024 * 1024;

/** What reading a file gave: its text, or why not (`ENOENT`: it is not there). */
export type FileRead =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly code: string };

/** Reads a file the way discovery reads everything: as the current user, at most 1 MiB. */
export type ReadFile = (path: string) => FileRead;

/** Reads `path` as text; permission problems, absence and oversize come back as codes. */
export function readClientFile(path: string): FileRead {
  try {
    const read = readCapped(path, MAX_CLIENT_FILE_BYTES);
    if (read.tooLarge) return { ok: false, code: "EFBIG" };
    return { ok: true, text: read.bytes.toString("utf8") };
  } catch (error) {
    return { ok: false, code: (error as NodeJS.ErrnoException).code ?? "error" };
  }
}

/** Where a user's programs keep their configuration: `$XDG_CONFIG_HOME`, else `~/.config`. */
export function configHome(env: NodeJS.ProcessEnv, home: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  return xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, ".config");
}

/** `~` and `~/x` as the user's home (rTorrent and shells expand them). */
export function expandHome(path: string, home: string): string {
  if (path === "~") return home;
  return path.startsWith("~/") ? join(home, path.slice(2)) : path;
}

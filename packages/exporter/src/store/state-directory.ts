// Where the daemon keeps its state when no config file says: systemd's StateDirectory=, else the XDG state home.

import { mkdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/** The state database's file name inside the state directory. */
export const STATE_DATABASE_NAME = "seedwatch.db";

/** The state directory could not be made or is not a directory. */
export class StateDirectoryError extends Error {
  override name = "StateDirectoryError";
}

/**
 * The directory systemd made for the unit (`StateDirectory=`; systemd passes it as the absolute
 * path in `$STATE_DIRECTORY`, several separated by `:`; the first is ours), or undefined.
 */
export function systemdStateDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.STATE_DIRECTORY?.split(":").find((path) => isAbsolute(path));
}

/**
 * The platform's state directory for seedwatch: `$STATE_DIRECTORY` under systemd, else
 * `$XDG_STATE_HOME/seedwatch`, else `~/.local/state/seedwatch`. A relative `XDG_STATE_HOME` is
 * ignored, as the XDG Base Directory specification says. Never the working directory.
 */
export function stateDirectory(
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  const systemd = systemdStateDirectory(env);
  if (systemd !== undefined) return systemd;
  const xdg = env.XDG_STATE_HOME;
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, ".local", "state");
  return join(base, "seedwatch");
}

/**
 * Creates `dir` and its missing parents, each with mode 0700 (its contents are the user's alone:
 * the database names trackers and torrents), and returns it. An existing directory is left as it
 * is (systemd sets its mode from `StateDirectoryMode=`).
 */
export function makeStateDirectory(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StateDirectoryError(
      `cannot create the state directory ${dir} (${(error as NodeJS.ErrnoException).code ?? "error"}): set XDG_STATE_HOME, or pass --config.file with storage.path`,
      { cause: error },
    );
  }
  if (!statSync(dir).isDirectory())
    throw new StateDirectoryError(`the state directory ${dir} is not a directory`);
  return dir;
}

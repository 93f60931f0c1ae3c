// Deluge's core.conf (a version object, then the settings object): the daemon's RPC port.

/** What core.conf says about the daemon RPC. */
export interface DelugeCore {
  readonly port: number;
}

/**
 * Reads core.conf: Deluge writes `{"file": 1, "format": 1}` and then the settings as a second
 * JSON object. Undefined when it is not that; `daemon_port` missing keeps 58846.
 */
export function parseDelugeCoreConf(text: string): DelugeCore | undefined {
  const end = endOfFirstObject(text);
  if (end === undefined) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(text.slice(end));
  } catch {
    return undefined;
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) return undefined;
  const port = (config as Record<string, unknown>).daemon_port;
  return {
    port:
      Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536
        ? (port as number)
        : 58846,
  };
}

/** The index just after the first top-level JSON object (strings may hold braces). */
function endOfFirstObject(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return undefined;
    }
  }
  return undefined;
}

// The daemon's own version, read from its package.json.

import { readFileSync } from "node:fs";

/** seedwatch's version, e.g. `0.1.0`. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

// One shared instance of each distinct string and string list, so 100,000 torrents share a handful.

import { trackerHost } from "./tracker.ts";

const LIMIT = 50_000;
const EMPTY: readonly string[] = Object.freeze([]);

/**
 * Clients send the same category, save path, label or tracker URL once per torrent, and JSON or
 * XML parsing makes a new string each time. Sources pass such values through here to keep one
 * instance of each, and one frozen array per distinct list. Every cache is bounded, so odd data
 * cannot grow it forever (values past the bound are returned as they are).
 */
export class Interner {
  readonly #strings = new Map<string, string>();
  readonly #lists = new Map<string, readonly string[]>();
  readonly #hosts = new Map<string, string>();

  /** The shared instance of `text`. */
  string(text: string): string {
    const known = this.#strings.get(text);
    if (known !== undefined) return known;
    if (this.#strings.size < LIMIT) this.#strings.set(text, text);
    return text;
  }

  /** One frozen array per distinct list of strings. */
  list(items: readonly string[]): readonly string[] {
    if (items.length === 0) return EMPTY;
    const key = items.join("\n");
    const known = this.#lists.get(key);
    if (known !== undefined) return known;
    const list = Object.freeze(items.map((item) => this.string(item)));
    if (this.#lists.size < LIMIT) this.#lists.set(key, list);
    return list;
  }

  /** The (shared) host name of an announce URL, never the URL; cached, a box has few URLs. */
  host(url: string): string {
    let host = this.#hosts.get(url);
    if (host === undefined) {
      host = this.string(trackerHost(url));
      if (this.#hosts.size < LIMIT) this.#hosts.set(url, host);
    }
    return host;
  }
}

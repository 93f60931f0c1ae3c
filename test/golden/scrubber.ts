// Replaces the secrets and host-specific strings of recorded client answers by placeholders of the same length.

import { sep } from "node:path";

/** A directory made by the testbed's `tempDir`: mkdtemp's six random characters after the prefix. */
const TEMP_DIR = /^seedwatch-[a-z0-9-]+-[A-Za-z0-9]{6}$/;

/**
 * Scrubs recorded bytes. Every replacement keeps the length of what it replaces, so framings
 * that count bytes (HTTP's Content-Length, SCGI's, rencode's string lengths) stay valid and the
 * answer is otherwise byte for byte what the client sent: passkeys, passwords and session ids
 * become `PASSKEY000…`-style placeholders, and the random part of a temporary directory's name
 * becomes `XXXXXX`.
 */
export class Scrubber {
  readonly #pairs: Array<readonly [string, string]> = [];
  readonly #secrets: string[] = [];

  /**
   * Registers a secret; returns its placeholder: `label` upper-cased, cut or padded with `0` to
   * the secret's length. Registering the same secret again returns the same placeholder.
   */
  secret(value: string, label: string): string {
    const known = this.#pairs.find(([secret]) => secret === value);
    if (known !== undefined) return known[1];
    const placeholder = label
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, "")
      .slice(0, value.length)
      .padEnd(value.length, "0");
    this.#secrets.push(value);
    return this.#add(value, placeholder);
  }

  /**
   * Registers the testbed directory a path is in (`/tmp/seedwatch-qbittorrent-Ab3dEf/…`): the
   * random tail of its name becomes `XXXXXX`.
   */
  tempDir(path: string): void {
    const name = path.split(sep).find((part) => TEMP_DIR.test(part));
    if (name === undefined) throw new Error(`${path} is not in a testbed directory`);
    if (!this.#pairs.some(([value]) => value === name))
      this.#add(name, name.replace(/[A-Za-z0-9]{6}$/, "XXXXXX"));
  }

  /** The secrets registered so far (for a final check that none was written). */
  get secrets(): readonly string[] {
    return this.#secrets;
  }

  /** `text` with every registered string replaced. */
  text(text: string): string {
    let out = text;
    for (const [value, placeholder] of this.#pairs) out = out.replaceAll(value, placeholder);
    return out;
  }

  /** `bytes` scrubbed as `text` does, byte for byte (the strings replaced are ASCII). */
  bytes(bytes: Uint8Array): Buffer {
    return Buffer.from(this.text(Buffer.from(bytes).toString("latin1")), "latin1");
  }

  #add(value: string, placeholder: string): string {
    if (value === "" || !/^[\x20-\x7e]+$/.test(value))
      throw new Error("only non-empty printable ASCII strings can be scrubbed");
    if (placeholder.length !== value.length) throw new Error("a placeholder must keep the length");
    this.#pairs.push([value, placeholder]);
    // Longest first, so a string that contains another is replaced whole.
    this.#pairs.sort((a, b) => b[0].length - a[0].length);
    return placeholder;
  }
}

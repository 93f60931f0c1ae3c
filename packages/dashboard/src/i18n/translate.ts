// The page's language (stored choice, else the browser's), and its messages: t() for text, tNodes() for text around elements.

import {
  isLanguage,
  type Language,
  pickLanguage,
} from "../../../exporter/src/web/i18n/language.ts";
import {
  formatMessage,
  type MessageParams,
} from "../../../exporter/src/web/i18n/message-format.ts";
import type { Catalog, MessageKey } from "./catalog.ts";
import { EN } from "./en.ts";
import { ZH_CN } from "./zh-cn.ts";

/** The catalogs by language; English is the reference. */
export const CATALOGS: Readonly<Record<Language, Catalog>> = { en: EN, "zh-CN": ZH_CN };

/** Where the page remembers a language chosen on it. */
export const STORAGE_KEY = "seedwatch.language";

let current: Language = "en";

/** The page's language. */
export function language(): Language {
  return current;
}

/** Sets the page's language (at start, and in tests). */
export function useLanguage(next: Language): void {
  current = next;
}

/** The language chosen on the page before (`stored`), else the first of the browser's we speak. */
export function initialLanguage(
  stored: string | null | undefined,
  preferred: readonly string[] | undefined,
): Language {
  return isLanguage(stored) ? stored : pickLanguage(preferred ?? []);
}

/** Whether `key` is a key of the catalogs (for keys built from data, such as series names). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(EN, key);
}

/**
 * The message `key` in the page's language. A key the language's catalog lacks (the catalog test
 * prevents it) falls back to English and is reported on the console, which the browser tests
 * treat as a failure.
 */
export function t(key: MessageKey, params?: MessageParams): string {
  let message = CATALOGS[current][key];
  if (message === undefined) {
    console.error(`seedwatch: no ${current} message for ${key}`);
    message = EN[key];
  }
  return formatMessage(current, message, params);
}

/**
 * The message `key` as DOM nodes: text, with the elements given in `nodes` where their
 * placeholders are (a live figure inside a sentence whose word order depends on the language).
 */
export function tNodes(
  key: MessageKey,
  nodes: Readonly<Record<string, Node>>,
  params: MessageParams = {},
): Node[] {
  // Each element stands in as a marker no message contains, then the text is split around them.
  const markers: Record<string, string> = {};
  for (const name of Object.keys(nodes)) markers[name] = `\u0000${name}\u0000`;
  const text = t(key, { ...params, ...markers });
  return text
    .split("\u0000")
    .map((part, i) => (i % 2 === 1 ? (nodes[part] as Node) : document.createTextNode(part)))
    .filter((node) => !(node instanceof Text && node.data === ""));
}

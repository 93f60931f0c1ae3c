// The messages of the daemon's own pages in one language: as text, or as HTML with escaped values.

import { escapeHtml } from "../landing-page.ts";
import { LANGUAGES, type Language } from "./language.ts";
import { type Catalog, formatHtml, formatMessage, type MessageParams } from "./message-format.ts";
import { PAGES_EN, type PageMessageKey } from "./pages-en.ts";
import { PAGES_ZH_CN } from "./pages-zh-cn.ts";

/** The catalogs of the daemon's pages by language; English is the reference. */
export const PAGE_CATALOGS: Readonly<Record<Language, Catalog>> = {
  en: PAGES_EN,
  "zh-CN": PAGES_ZH_CN,
};

/** One language's messages, for a page being rendered. */
export interface PageText {
  readonly language: Language;
  /** A message as plain text (escape it before putting it in HTML). */
  text(key: PageMessageKey, params?: MessageParams): string;
  /**
   * A message as HTML: its text and every value escaped, except the `trusted` fragments (markup
   * the caller built from escaped parts, such as a link or a list of `<code>` hashes).
   */
  html(
    key: PageMessageKey,
    params?: MessageParams,
    trusted?: Readonly<Record<string, string>>,
  ): string;
}

const TEXTS = new Map<Language, PageText>(
  LANGUAGES.map((language) => {
    const catalog = PAGE_CATALOGS[language];
    const message = (key: PageMessageKey) => catalog[key] ?? PAGES_EN[key];
    return [
      language,
      {
        language,
        text: (key, params) => formatMessage(language, message(key), params),
        html: (key, params = {}, trusted = {}) =>
          formatHtml(language, message(key), params, escapeHtml, trusted),
      },
    ];
  }),
);

/** The messages of `language`. */
export function pageText(language: Language): PageText {
  return TEXTS.get(language) as PageText;
}

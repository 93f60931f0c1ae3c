// The languages seedwatch's pages speak, and how one is chosen from what a browser prefers.

/** Every language with a catalog: English first (the default), then Simplified Chinese. */
export const LANGUAGES = ["en", "zh-CN"] as const;

/** One of LANGUAGES. */
export type Language = (typeof LANGUAGES)[number];

/** The language when nothing a browser asks for is offered. */
export const DEFAULT_LANGUAGE: Language = "en";

/** Each language's name in itself, as a language switch shows it. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  en: "English",
  "zh-CN": "简体中文",
};

/**
 * The language a BCP 47 tag asks for, or undefined when none of ours fits. Matching is by the
 * primary subtag: every `en-*` is English, and every `zh-*` (zh-CN, zh-SG, zh-Hans, but also
 * zh-TW and zh-HK) is Simplified Chinese, which a Chinese reader follows better than English.
 */
export function languageOf(tag: string): Language | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/, 1)[0];
  if (primary === "en") return "en";
  if (primary === "zh") return "zh-CN";
  return undefined;
}

/** Whether `value` names one of LANGUAGES exactly (as a stored preference does). */
export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** The first of `preferred` (most preferred first, as `navigator.languages`) that we speak. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const language = languageOf(tag);
    if (language !== undefined) return language;
  }
  return DEFAULT_LANGUAGE;
}

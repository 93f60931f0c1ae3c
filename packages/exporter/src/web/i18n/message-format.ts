// Whole-sentence messages with named placeholders and plural forms, formatted for one language.

/** The plural forms a message may give (Intl.PluralRules categories); `other` is always there. */
export type PluralForms = Readonly<Partial<Record<Intl.LDMLPluralRule, string>>> & {
  readonly other: string;
};

/**
 * A message: a sentence with `{name}` placeholders, or one sentence per plural form, chosen by
 * the `count` parameter. Braces that do not hold a name (`{ enabled: true }`) are literal text,
 * and so is `${NAME}`.
 */
export type Message = string | PluralForms;

/** A catalog: every message of one language by key. */
export type Catalog = Readonly<Record<string, Message>>;

/** Values of placeholders: text as it is, numbers written the language's way. */
export type MessageParams = Readonly<Record<string, string | number>>;

/** A message that cannot be formatted: a programming error, never the user's. */
export class MessageFormatError extends Error {
  override name = "MessageFormatError";
}

/** `{name}`, but not `${NAME}` (an environment variable, as seedwatch.yml writes one). */
const PLACEHOLDER = /(?<!\$)\{([A-Za-z][A-Za-z0-9_]*)\}/g;

const numberFormats = new Map<string, Intl.NumberFormat>();
const pluralRules = new Map<string, Intl.PluralRules>();

/** Formats `message` in `language`; throws MessageFormatError when a placeholder has no value. */
export function formatMessage(language: string, message: Message, params: MessageParams = {}) {
  return render(
    language,
    message,
    params,
    (text) => text,
    (value) => value,
  );
}

/**
 * The same, for HTML: the message's own text is escaped with `escapeText`, and so is every value
 * except those given in `trusted` (fragments the caller built from escaped parts).
 */
export function formatHtml(
  language: string,
  message: Message,
  params: MessageParams,
  escapeText: (text: string) => string,
  trusted: Readonly<Record<string, string>> = {},
): string {
  const all = { ...params, ...trusted };
  return render(language, message, all, escapeText, (value, name) =>
    Object.hasOwn(trusted, name) ? value : escapeText(value),
  );
}

/** The placeholder names a message uses (in every plural form together). */
export function placeholdersOf(message: Message): Set<string> {
  const names = new Set<string>();
  for (const text of typeof message === "string" ? [message] : Object.values(message)) {
    for (const match of (text ?? "").matchAll(PLACEHOLDER)) names.add(match[1] as string);
  }
  return names;
}

/** The plural categories a language distinguishes (`one`, `other` for English; `other` for Chinese). */
export function pluralCategories(language: string): string[] {
  return [...rulesFor(language).resolvedOptions().pluralCategories];
}

function render(
  language: string,
  message: Message,
  params: MessageParams,
  literal: (text: string) => string,
  value: (text: string, name: string) => string,
): string {
  const template = typeof message === "string" ? message : pluralForm(language, message, params);
  let out = "";
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    const raw = params[name];
    if (raw === undefined)
      throw new MessageFormatError(`message "${template}": no value for {${name}}`);
    out += literal(template.slice(last, match.index));
    out += value(typeof raw === "number" ? numberFormat(language).format(raw) : raw, name);
    last = match.index + match[0].length;
  }
  return out + literal(template.slice(last));
}

function pluralForm(language: string, forms: PluralForms, params: MessageParams): string {
  const count = params.count;
  if (typeof count !== "number")
    throw new MessageFormatError(
      `message "${forms.other}": a plural message needs a number {count}`,
    );
  return forms[rulesFor(language).select(count)] ?? forms.other;
}

function numberFormat(language: string): Intl.NumberFormat {
  let format = numberFormats.get(language);
  if (format === undefined) {
    format = new Intl.NumberFormat(language, { maximumFractionDigits: 20 });
    numberFormats.set(language, format);
  }
  return format;
}

function rulesFor(language: string): Intl.PluralRules {
  let rules = pluralRules.get(language);
  if (rules === undefined) {
    rules = new Intl.PluralRules(language);
    pluralRules.set(language, rules);
  }
  return rules;
}

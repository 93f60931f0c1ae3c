// Checks that catalogs of several languages say the same things: same keys, same placeholders, right plural forms.

import { type Catalog, type Message, placeholdersOf, pluralCategories } from "./message-format.ts";

/**
 * Every difference between the catalogs, one line each (empty when they agree). The first
 * catalog is the reference: another one missing a key, or having a key it lacks, is a problem;
 * so is a message whose placeholders differ from the reference's, an empty message, and a plural
 * message whose forms are not exactly its language's plural categories (or that is plural where
 * the reference is not).
 */
export function catalogProblems(catalogs: Readonly<Record<string, Catalog>>): string[] {
  const problems: string[] = [];
  const entries = Object.entries(catalogs);
  const [reference] = entries;
  if (reference === undefined) return problems;
  const [referenceLanguage, referenceCatalog] = reference;
  for (const [language, catalog] of entries) {
    const categories = pluralCategories(language).sort();
    for (const [key, message] of Object.entries(catalog)) {
      const base = referenceCatalog[key];
      if (base === undefined) {
        problems.push(`${language}: ${key}: not in the ${referenceLanguage} catalog`);
        continue;
      }
      if (texts(message).some((text) => text.trim() === ""))
        problems.push(`${language}: ${key}: empty`);
      if (typeof message !== "string") {
        const forms = Object.keys(message).sort();
        if (forms.join() !== categories.join())
          problems.push(
            `${language}: ${key}: plural forms ${forms.join(", ")}; ${language} has ${categories.join(", ")}`,
          );
      }
      const names = [...placeholdersOf(message)].sort().join(", ");
      const expected = [...placeholdersOf(base)].sort().join(", ");
      if (names !== expected)
        problems.push(
          `${language}: ${key}: placeholders {${names}}, ${referenceLanguage} has {${expected}}`,
        );
      // A plural message is formatted with a {count}; where the reference is not plural, none is given.
      if (typeof message !== "string" && typeof base === "string")
        problems.push(`${language}: ${key}: plural, but not in the ${referenceLanguage} catalog`);
    }
    for (const key of Object.keys(referenceCatalog)) {
      if (catalog[key] === undefined) problems.push(`${language}: ${key}: missing`);
    }
  }
  return problems;
}

function texts(message: Message): string[] {
  return typeof message === "string" ? [message] : Object.values(message).map((t) => t ?? "");
}

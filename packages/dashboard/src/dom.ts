// Building and updating DOM nodes with text only (never HTML from the server: names may hold markup).

/// <reference lib="dom" />

/** Attributes of `h`: a class, `data-*` values, and any other attribute as text. */
export type Attributes = Readonly<Record<string, string | number | boolean | undefined>>;

/** A child of `h`: a node, or text. */
export type Child = Node | string | null | undefined | false;

/**
 * Creates an element. `class` sets the class, `data-x` a data attribute, a boolean true an empty
 * attribute; false and undefined leave it out. Strings become text nodes, so they are never parsed.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children (text as text nodes). */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/**
 * Sets the text of an element and the raw figure behind it (`data-value`), touching the DOM only
 * when something changed. The raw figure lets tests and scripts read exact numbers.
 */
export function setValue(element: Element, text: string, raw?: number | string | null): void {
  if (element.textContent !== text) element.textContent = text;
  const value = raw === undefined || raw === null ? undefined : String(raw);
  if (value === undefined) element.removeAttribute("data-value");
  else if (element.getAttribute("data-value") !== value) element.setAttribute("data-value", value);
}

/** Calls `run` with the last arguments once calls have stopped coming for `ms`. */
export function debounce<A extends unknown[]>(ms: number, run: (...args: A) => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A): void => {
    clearTimeout(timer);
    timer = setTimeout(() => run(...args), ms);
  };
}

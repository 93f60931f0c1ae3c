// JSON.parse that refuses a repeated key at any depth: `{"dryRun":true,"dryRun":false}` is an error, not false.

/** Text that is not JSON, or JSON that repeats a key within one object. */
export class StrictJsonError extends Error {
  override name = "StrictJsonError";
}

/**
 * Parses JSON text like JSON.parse, but throws a StrictJsonError when an object names a key twice
 * (compared after unescaping, so `"dryRun"` and `"dry\u0052un"` are the same key). JSON.parse keeps
 * the last value, while a proxy, a log or a person reading the body may take the first: the
 * request is refused rather than read two ways. The message says which key, and where.
 */
export function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StrictJsonError("the body is not JSON", { cause: error });
  }
  const repeated = firstRepeatedKey(text);
  if (repeated !== undefined) {
    const key = JSON.stringify(repeated.key.slice(0, 64));
    const where = repeated.path === "" ? "" : ` in ${repeated.path}`;
    throw new StrictJsonError(`the body names the key ${key} twice${where}`);
  }
  return value;
}

interface Frame {
  readonly object: boolean;
  /** The path of this container, `rules[0].exclude` style ("" at the top). */
  readonly path: string;
  readonly keys: Set<string>;
  /** Next string is a key (objects), or the index of the next element (arrays). */
  expectKey: boolean;
  index: number;
  /** The key whose value comes next (objects). */
  key: string;
}

/** The first key an object of valid JSON `text` repeats, with the object's path. */
function firstRepeatedKey(text: string): { key: string; path: string } | undefined {
  const stack: Frame[] = [];
  const childPath = (): string => {
    const top = stack.at(-1);
    if (top === undefined) return "";
    if (!top.object) return `${top.path}[${top.index}]`;
    const name = /^[A-Za-z_$][\w$]*$/.test(top.key) ? top.key : JSON.stringify(top.key);
    return top.path === "" ? name : `${top.path}.${name}`;
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: find its closing quote (text is valid JSON, so one exists).
      let end = i + 1;
      while (text.charCodeAt(end) !== 0x22) end += text.charCodeAt(end) === 0x5c ? 2 : 1;
      const top = stack.at(-1);
      if (top?.object === true && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return { key, path: top.path };
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      stack.push({
        object: c === 0x7b,
        path: childPath(),
        keys: new Set(),
        expectKey: c === 0x7b,
        index: 0,
        key: "",
      });
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c) {
      const top = stack.at(-1);
      if (top?.object === true) top.expectKey = true;
      else if (top !== undefined) top.index += 1;
    }
  }
  return undefined;
}

// A unified diff of two texts by line, for golden-file failures a person has to read.

const CONTEXT = 3;

type Op = { readonly kind: " " | "-" | "+"; readonly line: string };

/**
 * `diff -u`-style hunks turning `expected` into `actual`, with three lines of context; "" when
 * the texts are equal. Lines are compared whole (a trailing newline makes no empty last line).
 */
export function unifiedDiff(
  expected: string,
  actual: string,
  names = { expected: "expected", actual: "actual" },
): string {
  if (expected === actual) return "";
  const ops = lineOps(lines(expected), lines(actual));
  const out = [`--- ${names.expected}`, `+++ ${names.actual}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.kind === " ") {
      i++;
      continue;
    }
    // A hunk: from CONTEXT lines before this change to CONTEXT lines after the last change
    // that is no further than 2 * CONTEXT unchanged lines from the previous one.
    const start = Math.max(0, i - CONTEXT);
    let end = i;
    let unchanged = 0;
    for (let j = i; j < ops.length && unchanged <= 2 * CONTEXT; j++) {
      if (ops[j]?.kind === " ") unchanged++;
      else {
        unchanged = 0;
        end = j;
      }
    }
    const stop = Math.min(ops.length, end + 1 + CONTEXT);
    const [oldStart, newStart] = positionsBefore(ops, start);
    const hunk = ops.slice(start, stop);
    const oldCount = hunk.filter((op) => op.kind !== "+").length;
    const newCount = hunk.filter((op) => op.kind !== "-").length;
    out.push(
      `@@ -${oldCount === 0 ? oldStart : oldStart + 1},${oldCount} +${newCount === 0 ? newStart : newStart + 1},${newCount} @@`,
    );
    for (const op of hunk) out.push(`${op.kind}${op.line}`);
    i = stop;
  }
  return `${out.join("\n")}\n`;
}

function lines(text: string): string[] {
  const all = text.split("\n");
  if (all.at(-1) === "") all.pop();
  return all;
}

/** Lines of the old and new text before op `index`. */
function positionsBefore(ops: readonly Op[], index: number): [number, number] {
  let old = 0;
  let next = 0;
  for (const op of ops.slice(0, index)) {
    if (op.kind !== "+") old++;
    if (op.kind !== "-") next++;
  }
  return [old, next];
}

/** The edit script of a longest common subsequence (quadratic: golden files are small). */
function lineOps(a: readonly string[], b: readonly string[]): Op[] {
  const width = b.length + 1;
  // lcs[i * width + j]: length of the LCS of a[i..] and b[j..].
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: " ", line: a[i] as string });
      i++;
      j++;
    } else if (
      j >= b.length ||
      (i < a.length && (lcs[(i + 1) * width + j] as number) >= (lcs[i * width + j + 1] as number))
    ) {
      ops.push({ kind: "-", line: a[i] as string });
      i++;
    } else {
      ops.push({ kind: "+", line: b[j] as string });
      j++;
    }
  }
  return ops;
}

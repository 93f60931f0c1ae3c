// Keeps one object of each short-lived class of the poll's read path alive, so V8 keeps their shapes and the code optimized for them.

const kept: object[] = [];

/**
 * Keeps `sample` alive for the process's life and returns it. V8 holds the shape (hidden class)
 * of a class's objects only while one of them is alive, and drops the optimized code that checks
 * for a shape with the full collection that finds none (--trace-deopt: "embedded weak objects
 * cleared"). Stream readers and parsers live for one answer: every full collection between two
 * polls took the parser's optimized code, and the next poll ran slow code and compiled it again.
 */
export function keepShape<T extends object>(sample: T): T {
  kept.push(sample);
  return sample;
}

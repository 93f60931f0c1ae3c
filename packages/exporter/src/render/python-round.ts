// Python's round(x, 3), which linxdot_exporter applies to the usage figures: exact decimal value, ties to even.

/**
 * Rounds `value` to three decimals exactly as Python's `round(value, 3)` does: on the exact binary
 * value of the double (so 1.0005, really 1.000499999..., gives 1.0), and an exact tie (x/16 with
 * x odd, the only ties a double can hold at three decimals) goes to the even last digit. Non-finite
 * values and magnitudes toFixed cannot print come back unchanged.
 */
export function pythonRound3(value: number): number {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return value;
  const magnitude = Math.abs(value);
  // toFixed rounds on the exact value too, but sends ties up: only ties need another rule.
  let text = magnitude.toFixed(3);
  const sixteenths = magnitude * 16;
  if (Number.isInteger(sixteenths) && sixteenths % 2 === 1) {
    const truncated = magnitude.toFixed(4).slice(0, -1);
    const lastDigit = Number(truncated.at(-1));
    if (lastDigit % 2 === 0) text = truncated;
  }
  const rounded = Number(text);
  return value < 0 ? -rounded : rounded;
}

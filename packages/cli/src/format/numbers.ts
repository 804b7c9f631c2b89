/**
 * The CLI's number formats, one place for all of them so a sentence never mixes two styles:
 * `num` for numbers in prose and messages, `sci` for FLOP, `compact` for counts in tables, `fixed`
 * for losses, `dollars` for money. Not locale-aware on purpose: output is the same everywhere.
 */

/** 1.5e+15 → "1.50e15". */
export const sci = (x: number, digits = 2) => x.toExponential(digits).replace('e+', 'e');

/**
 * A number in a sentence or message, the same way @repurpose/core writes its sentences: whole numbers
 * below 10^15 with thousands separators ("5,000,000"), others to three significant digits ("0.4",
 * "1.5e+18", "1e-4"). Tables use `sci` and `compact`, which keep columns narrow.
 */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return x.toLocaleString('en-US');
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e6) return String(Number(x.toPrecision(3)));
  return x.toExponential(2).replace(/\.?0+e/, 'e');
}

/** 85056000 → "85.1M"; beyond trillions the scientific form ("1.98e15"), never "1.98e+3T". */
export function compact(x: number): string {
  // Units are chosen on the rounded value, so 999.6e9 is "1.00T" and not "1.00e+3B".
  const shown = (scale: number) => Number(Math.abs(x / scale).toPrecision(3));
  if (!Number.isFinite(x) || shown(1e12) >= 1000) return sci(x);
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
  for (const [scale, unit] of units) if (shown(scale) >= 1) return `${(x / scale).toPrecision(3)}${unit}`;
  return String(Math.round(x));
}

/** "1 run", "2 runs", "0 configurations". */
export const count = (n: number, singular: string, plural = `${singular}s`) => `${num(n)} ${n === 1 ? singular : plural}`;

export const fixed = (x: number, digits = 4) => x.toFixed(digits);

export const dollars = (x: number) => `$${x < 1 ? x.toPrecision(2) : x < 100 ? x.toFixed(2) : Math.round(x).toLocaleString('en-US')}`;

/** Number formatting for tables: FLOP and token counts in engineering-friendly forms. */

/** 1.5e+15 → "1.50e15". */
export const sci = (x: number, digits = 2) => x.toExponential(digits).replace('e+', 'e');

/** 85056000 → "85.1M". */
export function compact(x: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
  for (const [scale, unit] of units) if (Math.abs(x) >= scale) return `${(x / scale).toPrecision(3)}${unit}`;
  return String(Math.round(x));
}

export const fixed = (x: number, digits = 4) => x.toFixed(digits);

export const dollars = (x: number) => `$${x < 1 ? x.toPrecision(2) : x < 100 ? x.toFixed(2) : Math.round(x).toLocaleString('en-US')}`;

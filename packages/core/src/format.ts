/**
 * How @repurpose/core writes numbers in messages, notes and errors, so every sentence uses one
 * format: whole numbers below 10^15 with thousands separators (5,000,000), anything else with three
 * significant digits (1.23e+18, 0.0123), and nouns that agree with their count ("1 configuration",
 * "2 configurations"). The CLI has its own table formatting; this is for sentences. Not i18n.
 */

/** 5000000 → "5,000,000"; 1.5e18 → "1.5e+18"; 0.012345 → "0.0123"; NaN and ±Infinity as themselves. */
export function formatCount(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return x.toLocaleString('en-US');
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e6) return String(Number(x.toPrecision(3)));
  return x.toExponential(2).replace(/\.?0+e/, 'e');
}

/** "1 configuration", "3 configurations", "1,024 pairs". `plural` defaults to noun + "s". */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : plural}`;
}

/** Bytes in decimal units with one decimal: "24.0 GB", "512.0 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

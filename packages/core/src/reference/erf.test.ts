/** erf against reference values across its three regimes, and odd symmetry. */
import { describe, expect, it } from 'vitest';
import { erf } from './erf.js';

// Values of erf(x) to 16 digits (Abramowitz & Stegun table / mpmath).
const KNOWN: readonly [number, number][] = [
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [2, 0.9953222650189527],
  [2.9, 0.9999589021219005],
  [3.2, 0.9999939742388483],
  [4, 0.9999999845827421],
  [5.5, 0.9999999999999927],
];

describe('erf', () => {
  it.each(KNOWN)('erf(%d)', (x, want) => {
    expect(Math.abs(erf(x) - want)).toBeLessThan(2e-16 * 4);
    expect(erf(-x)).toBe(-erf(x));
  });
  it('is continuous where the series hands over to the continued fraction (x = 3)', () => {
    expect(Math.abs(erf(3 - 1e-12) - erf(3 + 1e-12))).toBeLessThan(1e-15);
  });
  it('maps 0, ±∞ and NaN', () => {
    expect(erf(0)).toBe(0);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
  });
});

/**
 * f32/f64 → f16 → number conversions on the edge cases: exact values, round-to-nearest-even ties
 * (normal and subnormal), subnormals and the normal boundary, overflow to ±Infinity at the midpoint
 * 65520, signed zeros, NaN — and an exhaustive round trip of all 65536 bit patterns.
 */
import { describe, expect, it } from 'vitest';
import { hostTensor, hostValues } from './host-tensor.js';
import { fromHalfBits, roundToHalf, toHalfBits } from './half.js';

const ULP_AT_1 = 2 ** -10;

describe('toHalfBits / fromHalfBits', () => {
  it('encodes exact values', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(2 ** -14)).toBe(0x0400); // smallest normal
    expect(toHalfBits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toHalfBits(0.5 + 0.25)).toBe(0x3a00);
  });

  it('rounds to nearest, ties to even', () => {
    expect(toHalfBits(1 + ULP_AT_1 / 2)).toBe(0x3c00); // tie → even (1.0)
    expect(toHalfBits(1 + (3 * ULP_AT_1) / 2)).toBe(0x3c02); // tie between 0x3c01 and 0x3c02 → even
    expect(toHalfBits(1 + ULP_AT_1 / 2 + 2 ** -30)).toBe(0x3c01); // just above the tie
    expect(toHalfBits(Math.fround(0.1))).toBe(0x2e66); // 0.0999755859375
    expect(toHalfBits(2 - ULP_AT_1 / 4)).toBe(0x4000); // rounds up across the binade
  });

  it('keeps subnormals and rounds them to even', () => {
    expect(toHalfBits(3 * 2 ** -25)).toBe(0x0002); // 1.5 quanta → 2 (even)
    expect(toHalfBits(2 ** -25)).toBe(0x0000); // half a quantum, tie → 0
    expect(toHalfBits(-(2 ** -25))).toBe(0x8000); // → −0
    expect(toHalfBits(2 ** -25 + 2 ** -40)).toBe(0x0001);
    expect(toHalfBits(2 ** -14 - 2 ** -26)).toBe(0x0400); // rounds up into the smallest normal
    expect(fromHalfBits(0x03ff)).toBe(1023 * 2 ** -24);
  });

  it('overflows to ±Infinity from 65520 (the midpoint; ties to even go up) and keeps NaN and −0', () => {
    expect(toHalfBits(65519.99)).toBe(0x7bff);
    expect(toHalfBits(65520)).toBe(0x7c00);
    expect(toHalfBits(-1e6)).toBe(0xfc00);
    expect(toHalfBits(Infinity)).toBe(0x7c00);
    expect(toHalfBits(Math.fround(3.4e38))).toBe(0x7c00);
    expect(toHalfBits(Number.NaN)).toBe(0x7e00);
    expect(Number.isNaN(fromHalfBits(0x7e00))).toBe(true);
    expect(Object.is(fromHalfBits(toHalfBits(-0)), -0)).toBe(true);
    expect(fromHalfBits(0xfc00)).toBe(-Infinity);
  });

  it('round-trips every one of the 65536 bit patterns (NaNs to the quiet NaN)', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = fromHalfBits(bits);
      const back = toHalfBits(v);
      if (Number.isNaN(v)) expect(back).toBe(0x7e00);
      else expect(back, `bits ${bits.toString(16)}`).toBe(bits);
    }
  });

  it('rounds like the nearest representable half (brute force on random doubles)', () => {
    const halves = Array.from({ length: 0x7c00 }, (_, b) => fromHalfBits(b)); // all finite non-negative halves
    let seed = 7;
    for (let n = 0; n < 2000; n++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const x = (seed / 2 ** 31) * 2 ** ((n % 30) - 20);
      let best = halves[0]!;
      for (const h of halves) if (Math.abs(h - x) < Math.abs(best - x)) best = h;
      const got = roundToHalf(x);
      expect(Math.abs(got - x)).toBeLessThanOrEqual(Math.abs(best - x));
    }
  });
});

describe('f16 host tensors', () => {
  it('hold half bits in a Uint16Array; hostValues decodes them', () => {
    const t = hostTensor('f16', [3], [0.1, 1, 70000]);
    expect(t.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(t.data)).toEqual([0x2e66, 0x3c00, 0x7c00]);
    expect(Array.from(hostValues(t))).toEqual([0.0999755859375, 1, Infinity]);
  });
});

/**
 * number → bf16 → number on the edge cases (exact values, ties to even, subnormals, overflow at the
 * midpoint, signed zeros, NaN), every one of the 65536 bit patterns round-tripped, and agreement
 * with the f32-truncation view of bf16 (bf16 bits = the top half of the f32 bits) that the
 * safetensors reader uses.
 */
import { describe, expect, it } from 'vitest';
import { bfloat16ToNumber } from '../io/safetensors-dtype.js';
import { fromBfloat16Bits, roundToBfloat16, toBfloat16Bits } from './bfloat16.js';

describe('toBfloat16Bits / fromBfloat16Bits', () => {
  it('encodes exact values', () => {
    expect(toBfloat16Bits(1)).toBe(0x3f80);
    expect(toBfloat16Bits(-2)).toBe(0xc000);
    expect(toBfloat16Bits(3)).toBe(0x4040);
    expect(toBfloat16Bits(2 ** -126)).toBe(0x0080); // smallest normal
    expect(toBfloat16Bits(2 ** -133)).toBe(0x0001); // smallest subnormal
    expect(toBfloat16Bits((2 - 2 ** -7) * 2 ** 127)).toBe(0x7f7f); // largest finite
  });

  it('rounds to nearest, ties to even, from the double (no f32 step)', () => {
    const ulp = 2 ** -7;
    expect(toBfloat16Bits(1 + ulp / 2)).toBe(0x3f80); // tie → even
    expect(toBfloat16Bits(1 + (3 * ulp) / 2)).toBe(0x3f82); // tie → even
    expect(toBfloat16Bits(1 + ulp / 2 + 2 ** -40)).toBe(0x3f81); // above the tie by less than an f32 ulp: f32 first would say 0x3f80
    expect(toBfloat16Bits(2 - ulp / 4)).toBe(0x4000); // rounds up across the binade
    expect(toBfloat16Bits(2 ** -133 / 2)).toBe(0x0000); // subnormal tie → even (0)
    expect(toBfloat16Bits((3 * 2 ** -133) / 2)).toBe(0x0002);
  });

  it('overflows to Infinity at the midpoint, keeps signs, zeros and NaN', () => {
    expect(toBfloat16Bits(2 ** 128 - 2 ** 119)).toBe(0x7f80);
    expect(toBfloat16Bits(2 ** 128 - 2 ** 119 - 2 ** 100)).toBe(0x7f7f);
    expect(toBfloat16Bits(-Infinity)).toBe(0xff80);
    expect(toBfloat16Bits(-0)).toBe(0x8000);
    expect(toBfloat16Bits(0)).toBe(0x0000);
    expect(toBfloat16Bits(NaN)).toBe(0x7fc0);
    expect(Number.isNaN(fromBfloat16Bits(0x7fc1))).toBe(true);
  });

  it('round-trips every bit pattern and agrees with the reader', () => {
    const scratch = new DataView(new ArrayBuffer(4));
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = fromBfloat16Bits(bits);
      const read = bfloat16ToNumber(bits, scratch);
      const ok = Number.isNaN(value) ? Number.isNaN(read) : Object.is(value, read) && toBfloat16Bits(value) === bits;
      if (!ok) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps the relative error within half an ulp (2⁻⁸) on random normals', () => {
    let seed = 7;
    let worst = 0;
    for (let i = 0; i < 10_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const x = (seed / 2 ** 31 - 0.5) * 2 ** ((seed % 60) - 30);
      if (x !== 0) worst = Math.max(worst, Math.abs(roundToBfloat16(x) - x) / Math.abs(x));
    }
    expect(worst).toBeGreaterThan(2 ** -10);
    expect(worst).toBeLessThanOrEqual(2 ** -8);
  });
});

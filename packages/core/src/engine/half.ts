/**
 * IEEE 754 binary16 ("half") conversions for f16 storage (dtype.ts): a number (any double, so f32
 * values too) to half bits with round-to-nearest, ties to even — subnormals kept, magnitudes from
 * 65520 up (the midpoint between 65504, the largest half, and 2¹⁶) to ±Infinity, NaN to the quiet
 * NaN 0x7e00 — and half bits back to the exact number. Rounding straight from the double is one
 * correct rounding (no f32 step in between, so no double rounding). Not a Float16Array polyfill.
 */
import { float16Format } from './float16-formats.js';

const HALF = float16Format(5, 10, 0x7e00);

export const toHalfBits = HALF.toBits;
export const fromHalfBits = HALF.fromBits;

/** The value `value` has once stored as f16. */
export function roundToHalf(value: number): number {
  return fromHalfBits(toHalfBits(value));
}

export function encodeHalf(values: ArrayLike<number>, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  for (let i = 0; i < values.length; i++) out[i] = toHalfBits(values[i]!);
  return out;
}

export function decodeHalf(bits: Uint16Array, out: Float64Array = new Float64Array(bits.length)): Float64Array {
  for (let i = 0; i < bits.length; i++) out[i] = fromHalfBits(bits[i]!);
  return out;
}

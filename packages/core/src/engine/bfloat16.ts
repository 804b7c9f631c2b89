/**
 * bfloat16 conversions for exporting weights (safetensors BF16): a number (any double, so f32 values
 * too) to bf16 bits with round-to-nearest, ties to even — straight from the double, so an f64 weight is
 * rounded once, not through f32 first — subnormals kept, magnitudes from 2¹²⁸ − 2¹¹⁹ (the midpoint
 * between the largest bf16, (2 − 2⁻⁷)·2¹²⁷, and 2¹²⁸) up to ±Infinity, NaN to the quiet NaN 0x7fc0;
 * and bf16 bits back to the exact number. bf16 is the top half of an f32: 8 exponent bits, 7 fraction
 * bits. Not a tensor type: the engine computes in f16/f32/f64 (dtype.ts); bf16 is a storage format.
 */
import { float16Format } from './float16-formats.js';

const BFLOAT16 = float16Format(8, 7, 0x7fc0);

export const toBfloat16Bits = BFLOAT16.toBits;
export const fromBfloat16Bits = BFLOAT16.fromBits;

/** The value `value` has once stored as bf16. */
export function roundToBfloat16(value: number): number {
  return fromBfloat16Bits(toBfloat16Bits(value));
}

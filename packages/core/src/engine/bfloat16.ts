/**
 * bfloat16 conversions for exporting weights (safetensors BF16): a number (any double, so f32 values
 * too) to bf16 bits with round-to-nearest, ties to even — straight from the double, so an f64 weight is
 * rounded once, not through f32 first — subnormals kept, magnitudes from 2¹²⁸ − 2¹¹⁹ (the midpoint
 * between the largest bf16, (2 − 2⁻⁷)·2¹²⁷, and 2¹²⁸) up to ±Infinity, NaN to the quiet NaN 0x7fc0;
 * and bf16 bits back to the exact number. bf16 is the top half of an f32: 8 exponent bits, 7 fraction
 * bits. Not a tensor type: the engine computes in f16/f32/f64 (dtype.ts); bf16 is a storage format.
 */

const OVERFLOW = 2 ** 128 - 2 ** 119;
const MIN_NORMAL = 2 ** -126;
/** Subnormal step 2⁻¹³³: a subnormal's fraction is a·2¹³³. */
const SUBNORMAL_SCALE = 2 ** 133;

function roundHalfEven(q: number): number {
  const floor = Math.floor(q);
  const rest = q - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export function toBfloat16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7fc0;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  if (a >= OVERFLOW) return sign | 0x7f80; // includes Infinity
  if (a < MIN_NORMAL) return sign | roundHalfEven(a * SUBNORMAL_SCALE); // 128 is the smallest normal, correctly
  let exponent = Math.floor(Math.log2(a));
  if (2 ** exponent > a) exponent--;
  else if (2 ** (exponent + 1) <= a) exponent++;
  let fraction = roundHalfEven((a / 2 ** exponent - 1) * 128); // exact: a / 2^e and the scaling are exact
  if (fraction === 128) {
    fraction = 0;
    exponent++;
  }
  return sign | ((exponent + 127) << 7) | fraction;
}

export function fromBfloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 7) & 0xff;
  const fraction = bits & 0x7f;
  if (exponent === 0) return (sign * fraction) / SUBNORMAL_SCALE;
  if (exponent === 0xff) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 128) * 2 ** (exponent - 127);
}

/** The value `value` has once stored as bf16. */
export function roundToBfloat16(value: number): number {
  return fromBfloat16Bits(toBfloat16Bits(value));
}

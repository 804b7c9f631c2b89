/**
 * IEEE 754 binary16 ("half") conversions for f16 storage (dtype.ts): a number (any double, so f32
 * values too) to half bits with round-to-nearest, ties to even — subnormals kept, magnitudes from
 * 65520 up (the midpoint between 65504, the largest half, and 2¹⁶) to ±Infinity, NaN to the quiet
 * NaN 0x7e00 — and half bits back to the exact number. Rounding straight from the double is one
 * correct rounding (no f32 step in between, so no double rounding). Not a Float16Array polyfill.
 */

const TWO_POW_24 = 2 ** 24;

function roundHalfEven(q: number): number {
  const floor = Math.floor(q);
  const rest = q - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export function toHalfBits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  if (a >= 65520) return sign | 0x7c00; // includes Infinity
  if (a < 2 ** -14) return sign | roundHalfEven(a * TWO_POW_24); // subnormal; 1024 is the smallest normal, correctly
  let exponent = Math.floor(Math.log2(a));
  if (2 ** exponent > a) exponent--;
  else if (2 ** (exponent + 1) <= a) exponent++;
  let fraction = roundHalfEven((a / 2 ** exponent - 1) * 1024); // exact: a / 2^e and the scaling are exact
  if (fraction === 1024) {
    fraction = 0;
    exponent++;
  }
  return sign | ((exponent + 15) << 10) | fraction;
}

export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal and ±0
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

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

/**
 * The two 16-bit float storage formats as one parameterised codec: IEEE 754 binary16 ("half", 5
 * exponent and 10 fraction bits) and bfloat16 (the top half of an f32: 8 and 7). A number — any
 * double, so f32 values too — goes to bits with one correct rounding straight from the double
 * (round-to-nearest, ties to even; no f32 step in between, so no double rounding), subnormals kept,
 * magnitudes from the midpoint between the largest finite value and the next power of two up to
 * ±Infinity, NaN to the format's quiet NaN; bits come back as the exact number. half.ts and
 * bfloat16.ts are the two instances. Not a tensor type.
 */

export interface Float16Format {
  toBits(value: number): number;
  fromBits(bits: number): number;
}

function roundHalfEven(q: number): number {
  const floor = Math.floor(q);
  const rest = q - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export function float16Format(exponentBits: number, fractionBits: number, quietNaN: number): Float16Format {
  const bias = 2 ** (exponentBits - 1) - 1;
  const maxExponent = 2 ** exponentBits - 1;
  const scale = 2 ** fractionBits; // the implicit one's place, in fraction units
  const minNormal = 2 ** (1 - bias);
  const subnormalScale = 2 ** (bias - 1 + fractionBits); // a subnormal's fraction is a · 2^(bias − 1 + fractionBits)
  const overflow = 2 ** (bias + 1) - 2 ** (bias - fractionBits - 1); // midpoint of the largest finite value and 2^(bias+1)
  const infinity = maxExponent << fractionBits;
  const toBits = (value: number): number => {
    if (Number.isNaN(value)) return quietNaN;
    const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
    const a = Math.abs(value);
    if (a >= overflow) return sign | infinity; // includes Infinity
    if (a < minNormal) return sign | roundHalfEven(a * subnormalScale); // `scale` is the smallest normal, correctly
    let exponent = Math.floor(Math.log2(a));
    if (2 ** exponent > a) exponent--;
    else if (2 ** (exponent + 1) <= a) exponent++;
    let fraction = roundHalfEven((a / 2 ** exponent - 1) * scale); // exact: a / 2^e and the scaling are exact
    if (fraction === scale) {
      fraction = 0;
      exponent++;
    }
    return sign | ((exponent + bias) << fractionBits) | fraction;
  };
  const fromBits = (bits: number): number => {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> fractionBits) & maxExponent;
    const fraction = bits & (scale - 1);
    if (exponent === 0) return (sign * fraction) / subnormalScale; // subnormal and ±0
    if (exponent === maxExponent) return fraction === 0 ? sign * Infinity : NaN;
    return sign * (1 + fraction / scale) * 2 ** (exponent - bias);
  };
  return { toBits, fromBits };
}

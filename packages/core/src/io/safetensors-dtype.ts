/**
 * The safetensors dtypes this library understands: their byte sizes, which in-memory array each
 * decodes to, and the half-precision conversions. Not a general numeric-type system; the other
 * safetensors dtypes (I8, I16, F8_*, …) are rejected with a clear error by the reader. BOOL and U8
 * are read (as bytes) because real checkpoints carry them: older Pythia files store each block's
 * causal mask `attention.bias` as BOOL, which a loader must be able to skip past.
 */

export const SAFETENSORS_DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'U8', 'BOOL'] as const;
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

/**
 * The dtypes `writeSafetensors` emits. F16 and BF16 are for exported weights (a model folder for other
 * libraries); training state is kept in f32/f64.
 */
export const WRITABLE_DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32'] as const;
export type WritableDtype = (typeof WRITABLE_DTYPES)[number];

/** Bytes per element. */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  U8: 1,
  BOOL: 1,
};

export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && (SAFETENSORS_DTYPES as readonly string[]).includes(value);
}

export function isWritableDtype(value: unknown): value is WritableDtype {
  return typeof value === 'string' && (WRITABLE_DTYPES as readonly string[]).includes(value);
}

/** IEEE 754 binary16 bits → number (exact: every half is a float32). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal (and ±0)
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 bits → number: bfloat16 is the top half of a float32, so widen by a 16-bit shift. */
export function bfloat16ToNumber(bits: number, scratch: DataView): number {
  scratch.setUint32(0, (bits & 0xffff) << 16, true);
  return scratch.getFloat32(0, true);
}

/** True on little-endian hosts, where raw copies of the (always little-endian) file bytes are valid. */
export const HOST_IS_LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Element types of engine tensors: f32 (training and inference), f64 (the precision gradient checks
 * run in), i32 (token ids, masks, comparison results) and f16 (IEEE binary16, for backends that
 * compute in half precision, e.g. WebGPU's shader-f16; mixed-precision training keeps f32 master
 * weights and moments, see model/training-graph.ts). Not a general numeric tower: no bf16 (bf16
 * checkpoints are widened on load) and no bool (comparisons yield i32 0/1, which every backend can
 * represent).
 *
 * f16 storage: Node 20 has no Float16Array, so an f16 tensor's host data is a Uint16Array holding
 * the IEEE half bits (half.ts converts, rounding to nearest even). `hostTensor('f16', …)` takes
 * numbers and rounds them; `hostValues` decodes any tensor to numbers.
 */

export type DType = 'f32' | 'f64' | 'i32' | 'f16';

/** f16 last so the order of the original three is unchanged. */
export const DTYPES: readonly DType[] = ['f32', 'f64', 'i32', 'f16'];

export type FloatDType = 'f16' | 'f32' | 'f64';

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'f32' || dtype === 'f64' || dtype === 'f16';
}

/** The typed array that holds each dtype on the host (f16: the half bits). */
export type TypedArrayOf<D extends DType> = D extends 'f32'
  ? Float32Array
  : D extends 'f64'
    ? Float64Array
    : D extends 'f16'
      ? Uint16Array
      : Int32Array;
export type HostArray = Float32Array | Float64Array | Int32Array | Uint16Array;

export function allocateArray(dtype: DType, size: number): HostArray {
  switch (dtype) {
    case 'f32':
      return new Float32Array(size);
    case 'f64':
      return new Float64Array(size);
    case 'i32':
      return new Int32Array(size);
    case 'f16':
      return new Uint16Array(size);
  }
}

/** The most negative finite value: what masked attention scores are set to (as torch.finfo(dtype).min). */
export function lowestFinite(dtype: FloatDType): number {
  switch (dtype) {
    case 'f16':
      return -65504;
    case 'f32':
      return -3.4028234663852886e38;
    case 'f64':
      return -Number.MAX_VALUE;
  }
}

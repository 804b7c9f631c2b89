/**
 * Element types of engine tensors. Three on purpose: f32 (training and inference), f64 (the precision
 * gradient checks run in) and i32 (token ids, masks, comparison results). Not a general numeric tower:
 * no f16/bf16 here (checkpoints in those types are widened on load) and no bool (comparisons yield
 * i32 0/1, which every backend can represent).
 */

export type DType = 'f32' | 'f64' | 'i32';

export const DTYPES: readonly DType[] = ['f32', 'f64', 'i32'];

export type FloatDType = 'f32' | 'f64';

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'f32' || dtype === 'f64';
}

/** The typed array that holds each dtype on the host. */
export type TypedArrayOf<D extends DType> = D extends 'f32' ? Float32Array : D extends 'f64' ? Float64Array : Int32Array;
export type HostArray = Float32Array | Float64Array | Int32Array;

export function allocateArray(dtype: DType, size: number): HostArray {
  switch (dtype) {
    case 'f32':
      return new Float32Array(size);
    case 'f64':
      return new Float64Array(size);
    case 'i32':
      return new Int32Array(size);
  }
}

/** The most negative finite value: what masked attention scores are set to (as torch.finfo(dtype).min). */
export function lowestFinite(dtype: FloatDType): number {
  return dtype === 'f32' ? -3.4028234663852886e38 : -Number.MAX_VALUE;
}

/**
 * HostTensor: a tensor's values in host memory — a typed array in row-major order with its dtype
 * and shape (f16: a Uint16Array of half bits, see dtype.ts). This is what feeds and results are made
 * of on every backend. Not a device tensor and not an array library: no arithmetic here.
 */
import { type DType, type HostArray, allocateArray } from './dtype.js';
import { GraphError } from './errors.js';
import { decodeHalf, encodeHalf } from './half.js';
import { type Shape, isShape, sizeOf } from './shape.js';

export interface HostTensor {
  readonly dtype: DType;
  readonly shape: Shape;
  readonly data: HostArray;
}

/** Builds a HostTensor, copying `values` into a fresh typed array of the dtype (f32 and f16 round to nearest even). */
export function hostTensor(dtype: DType, shape: Shape, values?: ArrayLike<number>): HostTensor {
  if (!isShape(shape)) throw new GraphError('tensor shape', shape, 'an array of non-negative integers');
  const size = sizeOf(shape);
  const data = allocateArray(dtype, size);
  if (values !== undefined) {
    if (values.length !== size) throw new GraphError('tensor values', `${values.length} values`, `${size} for shape [${shape}]`);
    if (data instanceof Uint16Array) encodeHalf(values, data);
    else data.set(values);
  }
  return Object.freeze({ dtype, shape: Object.freeze([...shape]), data });
}

export function scalarTensor(value: number, dtype: DType = 'f32'): HostTensor {
  return hostTensor(dtype, [], [value]);
}

/** Whether the typed array's class matches the dtype (a Float64Array labelled f32 is a bug). */
export function dataMatchesDType(t: HostTensor): boolean {
  switch (t.dtype) {
    case 'f32':
      return t.data instanceof Float32Array;
    case 'f64':
      return t.data instanceof Float64Array;
    case 'i32':
      return t.data instanceof Int32Array;
    case 'f16':
      return t.data instanceof Uint16Array;
  }
}

/** The tensor's values as numbers: f16 bits decoded (exactly), other dtypes as stored. */
export function hostValues(t: HostTensor): Float64Array | Float32Array | Int32Array {
  return t.data instanceof Uint16Array ? decodeHalf(t.data) : t.data;
}

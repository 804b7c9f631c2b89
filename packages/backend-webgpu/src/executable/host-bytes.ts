/**
 * Host tensors as device bytes and back, per dtype: f32 and i32 are 4 bytes an element, f16 2 (the
 * half bits core keeps in a Uint16Array). WebGPU copies and writes whole 4-byte words, so every size
 * here is rounded up to a multiple of 4 and an f16 tensor of odd length is written from a copy with
 * one padding element. Not a conversion library: f16 values are encoded by core's half.ts.
 */
import { type DType, type HostArray, type HostTensor, type Shape, type TensorType, encodeHalf } from '@repurpose/core/engine';
import { elementBytes } from '../wgsl/dtype.js';

const words = (bytes: number) => Math.ceil(bytes / 4) * 4;

/** Bytes a copy of the tensor moves (0 for an empty tensor), a multiple of 4. */
export function byteLength(type: Pick<TensorType, 'dtype' | 'shape'>): number {
  return words(type.shape.reduce((a, d) => a * d, 1) * elementBytes(type.dtype));
}

/** Bytes of the tensor's buffer: at least one word, since WebGPU bindings cannot be empty. */
export function bytesOf(type: Pick<TensorType, 'dtype' | 'shape'>): number {
  return Math.max(4, byteLength(type));
}

/** The host data as something `writeBuffer` takes whole: its byte length a multiple of 4. */
export function writableBytes(data: HostArray): Float32Array | Int32Array | Uint16Array {
  if (data instanceof Float64Array) throw new Error('webgpu: an f64 feed reached the device (the dtype check should have caught this)');
  if (data instanceof Uint16Array && data.length % 2 === 1) {
    const padded = new Uint16Array(data.length + 1);
    padded.set(data);
    return padded;
  }
  return data;
}

/** A constant's values in its dtype's bytes (f16 rounded to nearest even, as hostTensor does). */
export function constantBytes(dtype: DType, values: ArrayLike<number>): Float32Array | Int32Array | Uint16Array {
  if (dtype === 'i32') return Int32Array.from(values as ArrayLike<number>);
  if (dtype === 'f16') return writableBytes(encodeHalf(values));
  return Float32Array.from(values as ArrayLike<number>);
}

/** A host tensor holding a copy of the first elements of `bytes` (mapped device memory, which may be padded). */
export function hostFromBytes(dtype: DType, shape: Shape, bytes: ArrayBuffer): HostTensor {
  const n = shape.reduce((a, d) => a * d, 1);
  const copy = bytes.slice(0, n * elementBytes(dtype));
  const data = dtype === 'i32' ? new Int32Array(copy) : dtype === 'f16' ? new Uint16Array(copy) : new Float32Array(copy);
  return Object.freeze({ dtype, shape: Object.freeze([...shape]), data });
}

/**
 * Elementwise loops with numpy broadcasting, shared by the unary and binary kernels. The function
 * passed in is the op's scalar definition in doubles; the output array rounds it to the dtype.
 */
import { type HostArray, allocateArray } from '../engine/dtype.js';
import type { TensorType } from '../engine/graph.js';
import type { HostTensor } from '../engine/host-tensor.js';
import { sizeOf } from '../engine/shape.js';
import { broadcastMap } from './strided.js';

export function mapUnary(x: HostTensor, out: TensorType, f: (v: number) => number): HostArray {
  const result = allocateArray(out.dtype, x.data.length);
  for (let i = 0; i < x.data.length; i++) result[i] = f(x.data[i]!);
  return result;
}

export function mapBinary(a: HostTensor, b: HostTensor, out: TensorType, f: (x: number, y: number) => number): HostArray {
  const size = sizeOf(out.shape);
  const result = allocateArray(out.dtype, size);
  const ia = broadcastMap(a.shape, out.shape);
  const ib = broadcastMap(b.shape, out.shape);
  const da = a.data;
  const db = b.data;
  for (let i = 0; i < size; i++) result[i] = f(da[ia ? ia[i]! : i]!, db[ib ? ib[i]! : i]!);
  return result;
}

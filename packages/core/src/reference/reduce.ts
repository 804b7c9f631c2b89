/**
 * The shared reduction loop: every input element is folded into the output element it reduces to,
 * found through strides that are 0 on reduced axes. Accumulates in doubles.
 */
import { type HostArray, allocateArray } from '../engine/dtype.js';
import type { TensorType } from '../engine/graph.js';
import type { HostTensor } from '../engine/host-tensor.js';
import { sizeOf, stridesOf } from '../engine/shape.js';
import { stridedOffsets } from './strided.js';

export function reduce(
  x: HostTensor,
  axes: readonly number[],
  out: TensorType,
  init: number,
  fold: (acc: number, v: number) => number,
  finish: (acc: number) => number = (acc) => acc,
): HostArray {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(kept);
  const offsets = stridedOffsets(x.shape, x.shape.map((_, i) => (axes.includes(i) ? 0 : keptStrides[i]!)));
  const acc = new Float64Array(sizeOf(kept)).fill(init);
  for (let i = 0; i < x.data.length; i++) acc[offsets[i]!] = fold(acc[offsets[i]!]!, x.data[i]!);
  const result = allocateArray(out.dtype, acc.length);
  for (let i = 0; i < acc.length; i++) result[i] = finish(acc[i]!);
  return result;
}

/**
 * Walks the 1-D fibres of a tensor along one axis (shape viewed as [outer, n, inner]), for the fused
 * softmax, logSoftmax and layerNorm kernels. Each fibre is copied into a double scratch buffer,
 * transformed in place, and written back rounded to the output dtype.
 */
import { type HostArray, allocateArray } from '../engine/dtype.js';
import type { TensorType } from '../engine/graph.js';
import type { HostTensor } from '../engine/host-tensor.js';
import { sizeOf } from '../engine/shape.js';

export function mapAlongAxis(x: HostTensor, axis: number, out: TensorType, transform: (fibre: Float64Array) => void): HostArray {
  const n = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const outer = sizeOf(x.shape.slice(0, axis));
  const result = allocateArray(out.dtype, x.data.length);
  const fibre = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let j = 0; j < n; j++) fibre[j] = x.data[base + j * inner]!;
      transform(fibre);
      for (let j = 0; j < n; j++) result[base + j * inner] = fibre[j]!;
    }
  }
  return result;
}

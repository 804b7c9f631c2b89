/**
 * matmul: [..., M, K]·[..., K, N] with broadcast batch dims; transposes are read through strides, never
 * materialised. Each row accumulates in doubles and is stored once (one rounding per element in f32).
 * Loop order follows B's layout: dot products along K when B is transposed (rows of B contiguous),
 * otherwise i-k-j so the inner loop walks a row of B and the accumulator contiguously.
 */
import { allocateArray } from '../../engine/dtype.js';
import { sizeOf } from '../../engine/shape.js';
import { type Kernel, arg } from '../kernel.js';
import { broadcastStrides, stridedOffsets } from '../strided.js';

export const matmulKernel: Kernel<'matmul'> = (inputs, attrs, out) => {
  const a = arg(inputs, 0);
  const b = arg(inputs, 1);
  const rank = out.shape.length;
  const m = out.shape[rank - 2]!;
  const n = out.shape[rank - 1]!;
  const aRows = a.shape[a.shape.length - 2]!;
  const aCols = a.shape[a.shape.length - 1]!;
  const bRows = b.shape[b.shape.length - 2]!;
  const bCols = b.shape[b.shape.length - 1]!;
  const k = attrs.transposeA ? aRows : aCols;
  // element (i, p) of op(A) is at i·ai + p·ap; element (p, j) of op(B) at p·bp + j·bj.
  const [ai, ap] = attrs.transposeA ? [1, aCols] : [aCols, 1];
  const [bp, bj] = attrs.transposeB ? [1, bCols] : [bCols, 1];

  const batch = out.shape.slice(0, -2);
  const aBatch = stridedOffsets(batch, broadcastStrides(a.shape.slice(0, -2), batch).map((s) => s * aRows * aCols));
  const bBatch = stridedOffsets(batch, broadcastStrides(b.shape.slice(0, -2), batch).map((s) => s * bRows * bCols));

  const result = allocateArray(out.dtype, sizeOf(out.shape));
  const acc = new Float64Array(n);
  const A = a.data;
  const B = b.data;
  for (let t = 0; t < aBatch.length; t++) {
    const aBase = aBatch[t]!;
    const bBase = bBatch[t]!;
    const oBase = t * m * n;
    if (attrs.transposeB) {
      // x·Wᵀ (every Linear layer): both operands are read along K contiguously, so take dot products.
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let dot = 0;
          for (let p = 0; p < k; p++) dot += A[aBase + i * ai + p * ap]! * B[bBase + j * bj + p]!;
          result[oBase + i * n + j] = dot;
        }
      }
      continue;
    }
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      for (let p = 0; p < k; p++) {
        const aip = A[aBase + i * ai + p * ap]!;
        if (aip === 0) continue;
        const row = bBase + p * bp;
        for (let j = 0; j < n; j++) acc[j]! += aip * B[row + j * bj]!;
      }
      for (let j = 0; j < n; j++) result[oBase + i * n + j] = acc[j]!;
    }
  }
  return result;
};

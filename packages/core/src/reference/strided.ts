/**
 * Index arithmetic for the reference kernels: the flat input offset of every element of a shape
 * walked in row-major order, given per-axis strides (0 on broadcast axes, permuted for transpose,
 * offset by a base for slice). One odometer loop serves broadcast, transpose, slice, pad and concat.
 * Not fast; clear and allocation-light.
 */
import { type Shape, sizeOf, stridesOf } from '../engine/shape.js';

/** offsets[i] = base + Σ_d index_d(i)·strides[d], i walking `shape` in row-major order. */
export function stridedOffsets(shape: Shape, strides: readonly number[], base = 0): Int32Array {
  const size = sizeOf(shape);
  const out = new Int32Array(size);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let offset = base;
  for (let i = 0; i < size; i++) {
    out[i] = offset;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      offset += strides[d]!;
      if (index[d]! < shape[d]!) break;
      offset -= strides[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

/** Strides that read `from` while walking the broadcast shape `to` (0 on stretched or missing axes). */
export function broadcastStrides(from: Shape, to: Shape): number[] {
  const own = stridesOf(from);
  const lead = to.length - from.length;
  return to.map((_, i) => (i < lead || from[i - lead] === 1 ? 0 : own[i - lead]!));
}

/** For each element of `to`, the flat index of the `from` element it broadcasts from; null if equal. */
export function broadcastMap(from: Shape, to: Shape): Int32Array | null {
  if (from.length === to.length && from.every((d, i) => d === to[i])) return null;
  return stridedOffsets(to, broadcastStrides(from, to));
}

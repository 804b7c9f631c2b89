/**
 * Scaled dot-product attention: softmax(scale·q·kᵀ with disallowed scores set to the dtype's lowest
 * finite value)·v. Disallowed = above the causal diagonal (query i sees keys j ≤ i + S − T) or where
 * the mask is zero. Setting scores with `where` (not adding a large negative) matches Hugging Face's
 * masked_fill with finfo.min and cannot overflow; a row with every key masked becomes uniform, as in
 * HF. Its gradient goes through this decomposition.
 */
import { type FloatDType, lowestFinite } from '../dtype.js';
import type { Decomposition } from './decomposition.js';
import { input } from './decomposition.js';

export const decomposeAttention: Decomposition<'attention'> = (b, inputs, { causal, scale }) => {
  const q = input(inputs, 0);
  const k = input(inputs, 1);
  const v = input(inputs, 2);
  const mask = inputs[3];
  let scores = b.mul(b.matmul(q, k, { transposeB: true }), scale); // [..., T, S]
  const lowest = lowestFinite(q.dtype as FloatDType);
  if (causal) {
    const t = scores.shape[scores.rank - 2]!;
    const s = scores.shape[scores.rank - 1]!;
    const row = b.add(b.iota([t, s], 0), s - t);
    const allowed = b.greaterEqual(row, b.iota([t, s], 1)); // [T, S]
    scores = b.where(allowed, scores, lowest);
  }
  if (mask) scores = b.where(b.compare(mask, 0, 'ne'), scores, lowest);
  return b.matmul(b.softmax(scores, -1), v);
};

/**
 * The probabilities of attention, shared by its forward and backward decompositions so both emit
 * identical nodes: scores = scale·q·kᵀ, disallowed scores (above the causal diagonal — query i sees
 * keys j ≤ i + S − T — or where the mask is zero) set to the dtype's lowest finite value, softmax.
 * Setting scores with `where` (not adding a large negative) matches Hugging Face's masked_fill with
 * finfo.min and cannot overflow; a row with every key masked becomes uniform, as in HF.
 * Returns the i32 conditions too: the backward zeroes the gradient of disallowed scores with them.
 */
import type { GraphBuilder, Tensor } from '../builder.js';
import { type FloatDType, lowestFinite } from '../dtype.js';

export interface AttentionProbabilities {
  readonly probabilities: Tensor;
  /** Each a condition `where` applied, in order (causal first, then the mask). */
  readonly allowed: readonly Tensor[];
}

export function attentionProbabilities(
  b: GraphBuilder,
  q: Tensor,
  k: Tensor,
  mask: Tensor | undefined,
  causal: boolean,
  scale: number,
): AttentionProbabilities {
  let scores = b.mul(b.matmul(q, k, { transposeB: true }), scale); // [..., T, S]
  const lowest = lowestFinite(q.dtype as FloatDType);
  const allowed: Tensor[] = [];
  if (causal) {
    const t = scores.shape[scores.rank - 2]!;
    const s = scores.shape[scores.rank - 1]!;
    const row = b.add(b.iota([t, s], 0), s - t);
    const cond = b.greaterEqual(row, b.iota([t, s], 1)); // [T, S]
    scores = b.where(cond, scores, lowest);
    allowed.push(cond);
  }
  if (mask) {
    const cond = b.compare(mask, 0, 'ne');
    scores = b.where(cond, scores, lowest);
    allowed.push(cond);
  }
  return { probabilities: b.softmax(scores, -1), allowed };
}

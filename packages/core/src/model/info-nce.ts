/**
 * Symmetric InfoNCE with in-batch negatives (the paper's training setup, docs/training.md): for L2-normalised query
 * and positive embeddings qᵢ, pⱼ, scores Sᵢⱼ = τ⁻¹·qᵢ·pⱼ with inverse temperature τ⁻¹ = 40, and
 *   L = ½ [CE(S, diag) + CE(Sᵀ, diag)],  CE(S, diag) = −(1/B) Σᵢ log softmax(Sᵢ,·)ᵢ.
 * The transposed cross-entropy is a log-softmax down the columns of S, so Sᵀ is never built.
 *
 * Shapes: B batch, C hidden size. Not a hard-negative loss (the paper uses none) and not GradCache.
 */
import type { GraphBuilder, Tensor } from '../engine/builder.js';

export const DEFAULT_INVERSE_TEMPERATURE = 40;

/** Scores S [B, B] = inverseTemperature · qn·pnᵀ for normalised qn, pn [B, C] (rows = queries). */
export function similarityScores(b: GraphBuilder, qn: Tensor, pn: Tensor, inverseTemperature: number): Tensor {
  return b.mul(b.matmul(qn, pn, { transposeB: true }), inverseTemperature); //         [B, B]
}

/** Symmetric InfoNCE of scores S [B, B] whose diagonal holds the positive pairs → scalar []. */
export function symmetricInfoNce(b: GraphBuilder, scores: Tensor): Tensor {
  const B = scores.shape[0]!;
  const diagonal = b.cast(b.equal(b.iota([B, B], 0), b.iota([B, B], 1)), scores.dtype); // [B, B]
  const rows = b.logSoftmax(scores, 1); //  queries → positives                         [B, B]
  const cols = b.logSoftmax(scores, 0); //  positives → queries                         [B, B]
  const picked = b.add(b.mul(rows, diagonal), b.mul(cols, diagonal)); //               [B, B]
  return b.mul(b.sum(picked), -0.5 / B); // −½·(mean_i rowsᵢᵢ + mean_j colsⱼⱼ)          []
}

/**
 * The held-out contrastive loss: the training objective — symmetric InfoNCE with in-batch negatives,
 * S = τ⁻¹·cos(q, p), L = −½·(mean_i log softmax_row(S)ᵢᵢ + mean_j log softmax_col(S)ⱼⱼ) (model/info-nce.ts)
 * — on held-out pairs, from their normalised embeddings, in f64 on the host. InfoNCE depends on the
 * batch size (more negatives, higher loss), so the pairs are cut, in their given order, into batches
 * of the training B and the loss is the mean over full batches; with fewer than B held-out pairs it
 * is one batch of all of them, and `batchSize` says so. This is the number `repurpose fit` fits
 * (lossKind "held-out").
 *
 * Not a graph: evaluation needs no gradient, and the host computation is exact enough to compare
 * with the graph's loss to ~1e-6 in f32 (tested).
 */

export interface HeldOutLoss {
  /** Mean over batches. */
  readonly loss: number;
  /** Pairs per batch used. */
  readonly batchSize: number;
  readonly batches: number;
}

/** `q` and `p` [n, C] unit rows (row i of each is a pair). */
export function heldOutLoss(q: Float64Array, p: Float64Array, C: number, batchSize: number, inverseTemperature: number): HeldOutLoss {
  const n = q.length / C;
  const B = Math.min(batchSize, n);
  const batches = Math.floor(n / B);
  let total = 0;
  for (let b = 0; b < batches; b++) total += batchLoss(q, p, C, b * B, B, inverseTemperature);
  return { loss: total / batches, batchSize: B, batches };
}

function batchLoss(q: Float64Array, p: Float64Array, C: number, start: number, B: number, scale: number): number {
  const S = new Float64Array(B * B);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += q[(start + i) * C + c]! * p[(start + j) * C + c]!;
      S[i * B + j] = scale * s;
    }
  }
  let sum = 0;
  for (let i = 0; i < B; i++) {
    sum += S[i * B + i]! - logSumExp(B, (j) => S[i * B + j]!); // row i: query i → positives
    sum += S[i * B + i]! - logSumExp(B, (j) => S[j * B + i]!); // column i: positive i → queries
  }
  return (-0.5 * sum) / B;
}

function logSumExp(n: number, at: (i: number) => number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) max = Math.max(max, at(i));
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(at(i) - max);
  return max + Math.log(s);
}

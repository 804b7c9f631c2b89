/**
 * attentionGrad(q, k, v, dy[, mask]): the backward of attention. It recomputes the probabilities p
 * with the very nodes the forward decomposition emits (attention-scores.ts), so when both are
 * decomposed the common-subexpression pass merges them and nothing is computed twice; a fused
 * kernel recomputes them from q and k, as FlashAttention's backward does. Then
 *   dv = pᵀ·dy,  ds = softmaxGrad(p, dy·vᵀ) with disallowed scores zeroed,  dq = scale·ds·k,
 *   dk = scale·dsᵀ·q,
 * each summed back over broadcast batch dims, the wanted ones packed (packing.ts).
 */
import { unbroadcast } from '../rules/unbroadcast.js';
import type { Tensor } from '../builder.js';
import type { Decomposition } from './decomposition.js';
import { input } from './decomposition.js';
import { attentionProbabilities } from './attention-scores.js';
import { packGrads } from './packing.js';

export const decomposeAttentionGrad: Decomposition<'attentionGrad'> = (b, inputs, { causal, scale, grads }) => {
  const q = input(inputs, 0);
  const k = input(inputs, 1);
  const v = input(inputs, 2);
  const dy = input(inputs, 3);
  const { probabilities: p, allowed } = attentionProbabilities(b, q, k, inputs[4], causal, scale);
  const dv = grads[2] ? unbroadcast(b, b.matmul(p, dy, { transposeA: true }), v.shape) : undefined;
  let dq: Tensor | undefined;
  let dk: Tensor | undefined;
  if (grads[0] || grads[1]) {
    let ds = b.node('softmaxGrad', [p, b.matmul(dy, v, { transposeB: true })], { axis: p.rank - 1 });
    for (const cond of allowed) ds = b.where(cond, ds, 0);
    ds = b.mul(ds, scale);
    if (grads[0]) dq = unbroadcast(b, b.matmul(ds, k), q.shape);
    if (grads[1]) dk = unbroadcast(b, b.matmul(ds, q, { transposeA: true }), k.shape);
  }
  return packGrads(b, [dq, dk, dv], grads);
};

/**
 * Gradient of attention: one attentionGrad composite computing the wanted of dq, dk, dv (packed, then
 * sliced back here), so a backend that runs attention fused gets its backward as one node; the mask
 * gets none (it only selects). The formulas are in decompositions/attention-grad.ts.
 */
import type { PackedGrads } from '../ops.js';
import { unpackGrads } from '../decompositions/packing.js';
import { type GradRule, at } from './rule.js';

export const attentionGrad: GradRule<'attention'> = ({ b, node, inputs, dy, wants }) => {
  const [q, k, v] = [at(inputs, 0), at(inputs, 1), at(inputs, 2)];
  const mask = inputs[3];
  const grads: PackedGrads = [wants[0] === true, wants[1] === true, wants[2] === true];
  const { causal, scale } = node.attrs;
  const packed = b.node('attentionGrad', mask ? [q, k, v, dy, mask] : [q, k, v, dy], { causal, scale, grads });
  return unpackGrads(b, packed, [q.shape, k.shape, v.shape], grads);
};

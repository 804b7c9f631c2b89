/**
 * Gradient of layerNorm: one layerNormGrad composite computing the wanted of dx, dweight, dbias
 * (packed, then sliced back here), so a backend that runs layerNorm fused gets its backward as one
 * node too. The formulas are in decompositions/layer-norm-grad.ts; the bias itself is not an input.
 */
import type { PackedGrads } from '../ops.js';
import { unpackGrads } from '../decompositions/packing.js';
import { type GradRule, at } from './rule.js';

export const layerNormGrad: GradRule<'layerNorm'> = ({ b, node, inputs, dy, wants }) => {
  const [x, weight, bias] = [at(inputs, 0), at(inputs, 1), at(inputs, 2)];
  const grads: PackedGrads = [wants[0] === true, wants[1] === true, wants[2] === true];
  const packed = b.node('layerNormGrad', [x, weight, dy], { eps: node.attrs.eps, grads });
  return unpackGrads(b, packed, [x.shape, weight.shape, bias.shape], grads);
};

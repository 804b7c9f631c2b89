/**
 * Gradient of softmax: one softmaxGrad composite on the output (the backward needs y, not x), so a
 * backend may run it fused; the formula is in decompositions/softmax-grad.ts.
 */
import type { GradRule } from './rule.js';

export const softmaxGrad: GradRule<'softmax'> = ({ b, node, output, dy }) => [b.node('softmaxGrad', [output, dy], { axis: node.attrs.axis })];

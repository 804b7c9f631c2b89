/** Gradient of mean: dy/n broadcast back, n = number of elements each output averaged. */
import { type GradRule, at } from './rule.js';
import { expandReduced } from './unbroadcast.js';

export const meanGrad: GradRule<'mean'> = ({ b, node, inputs, dy }) => {
  const x = at(inputs, 0);
  const n = node.attrs.axes.reduce((p, a) => p * x.shape[a]!, 1);
  return [b.div(expandReduced(b, dy, x.shape, node.attrs.axes, node.attrs.keepDims), n)];
};
